"""The fake-fix guard's flags: each one raised when it should, never for missing metadata,
and carried by the timeline and `result_flags`, so accepting needs a justification."""

import datetime as dt

import pytest
from django.utils import timezone

from complaints import errors, workflow
from complaints.actor import Actor
from complaints.guard import FLAG_TEXT, FLAG_WHY
from complaints.models import Assignment, Photo, PhotoFingerprint
from testing.factories import AgencyFactory, make_complaint
from testing.fakefix_set import jpeg, scene, variant
from testing.images import jpeg_bytes, jpeg_with_exif

pytestmark = pytest.mark.django_db

SITE_GPS = ((13.0, 43.0, 48.0), (100.0, 32.0, 24.0))  # 13.73, 100.54: the test complaints' site


@pytest.fixture
def case(best_category, district_office):
    return make_complaint(category=best_category, district=district_office.district)


@pytest.fixture
def work(case, district_office, officer):
    [a] = workflow.dispatch(complaint=case, agencies=[district_office], by=officer)
    return a


def result(work, by, content, **kw):
    kw.setdefault("lat", work.complaint.lat)
    kw.setdefault("lng", work.complaint.lng)
    return workflow.add_photo(
        complaint=work.complaint, content=content, by=by, stage=Photo.Stage.AFTER, assignment=work, **kw
    )


def test_every_flag_has_a_thai_text_and_a_reason():
    assert set(FLAG_TEXT) == set(FLAG_WHY)
    assert {"reused_anywhere", "taken_before_work", "exif_far_from_site", "too_fast", "not_from_agency"} <= set(
        FLAG_TEXT
    )


# --- reused anywhere ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["resized", "low_quality", "cropped", "brighter", "line_chat"])
def test_copy_of_another_agencys_photo_in_another_case_is_flagged_reused_anywhere(
    kind, work, coordinator, other_coordinator, normal_category
):
    elsewhere = make_complaint(category=normal_category)
    [theirs] = workflow.dispatch(complaint=elsewhere, agencies=[other_coordinator.agency], by=None)
    image = scene(7)
    original = result(theirs, other_coordinator, jpeg(image))
    photo = result(work, coordinator, variant(image, kind, 7))
    assert photo.flags == ["reused_anywhere"]
    note = work.complaint.timeline.filter(kind="note", data__photo=photo.pk).get()
    assert note.data["similar_to"] == original.pk and note.data["similar_case"] == elsewhere.pk
    assert str(FLAG_TEXT["reused_anywhere"]) in note.text


def test_the_cases_own_before_photo_sent_as_result_is_reused_not_anywhere(case, work, coordinator):
    image = scene(8)
    workflow.add_photo(complaint=case, content=jpeg(image), by=None)
    assert result(work, coordinator, variant(image, "cropped", 8)).flags == ["reused"]


def test_an_unrelated_scene_is_not_flagged(work, coordinator, other_coordinator, normal_category):
    [theirs] = workflow.dispatch(
        complaint=make_complaint(category=normal_category), agencies=[other_coordinator.agency], by=None
    )
    result(theirs, other_coordinator, jpeg(scene(9)))
    assert result(work, coordinator, jpeg(scene(10))).flags == []


def test_a_copy_of_a_photo_older_than_a_year_elsewhere_is_not_flagged(work, coordinator, normal_category):
    elsewhere = make_complaint(category=normal_category)
    image = scene(11)
    long_ago = timezone.now() - dt.timedelta(days=400)
    workflow.add_photo(complaint=elsewhere, content=jpeg(image), by=None, at=long_ago)
    # (the same bytes or the very same hash still count at any age: see the next test)
    assert result(work, coordinator, variant(image, "cropped", 11)).flags == []


def test_the_same_bytes_or_hash_are_flagged_at_any_age(work, coordinator, normal_category):
    content = jpeg(scene(12))
    workflow.add_photo(
        complaint=make_complaint(category=normal_category),
        content=content,
        by=None,
        at=timezone.now() - dt.timedelta(days=900),
    )
    assert result(work, coordinator, content).flags == ["reused_anywhere"]


def test_a_second_shot_of_the_same_repair_in_the_same_report_is_not_reuse(work, coordinator):
    image = scene(13)
    result(work, coordinator, jpeg(image))
    assert result(work, coordinator, variant(image, "brighter", 13)).flags == []


def test_every_photo_gets_its_two_fingerprints(case):
    photo = workflow.add_photo(complaint=case, content=jpeg(scene(14)), by=None)
    kinds = set(PhotoFingerprint.objects.filter(photo=photo).values_list("kind", flat=True))
    assert kinds == {PhotoFingerprint.Kind.WHOLE, PhotoFingerprint.Kind.CENTRE}


# --- taken before the work could start; EXIF position ---------------------------------------------


def test_capture_time_before_dispatch_is_flagged(work, coordinator):
    before = timezone.localtime(work.dispatched_at - dt.timedelta(days=3)).strftime("%Y:%m:%d %H:%M:%S")
    photo = result(work, coordinator, jpeg_with_exif(taken=before, gps=SITE_GPS))
    assert photo.flags == ["taken_before_work"]


def test_capture_time_after_dispatch_and_gps_at_the_site_pass(work, coordinator):
    after = timezone.localtime(work.dispatched_at + dt.timedelta(minutes=40)).strftime("%Y:%m:%d %H:%M:%S")
    assert result(work, coordinator, jpeg_with_exif(taken=after, gps=SITE_GPS)).flags == []


def test_exif_gps_far_from_the_site_is_flagged_even_with_a_good_shared_location(work, coordinator):
    after = timezone.localtime(work.dispatched_at + dt.timedelta(minutes=40)).strftime("%Y:%m:%d %H:%M:%S")
    photo = result(work, coordinator, jpeg_with_exif(taken=after))  # GPS 13.75, 100.50: ~4.7 km away
    assert photo.flags == ["exif_far_from_site"]


def test_missing_metadata_is_never_a_flag_by_itself(work, coordinator):
    photo = result(work, coordinator, jpeg_bytes(size=(640, 480), seed=5))  # what LINE's chat delivers
    assert photo.taken_at is None and photo.exif_lat is None
    assert photo.flags == []


def test_after_a_send_back_a_photo_taken_before_the_rework_is_flagged(work, coordinator, officer):
    workflow.acknowledge(assignment=work, by=coordinator)
    result(work, coordinator, jpeg_bytes(size=(640, 480), seed=6))
    workflow.resolve(assignment=work, by=coordinator)
    workflow.send_back(assignment=work, by=officer, reason="รูปไม่ชัด")
    work.refresh_from_db()
    earlier = timezone.localtime(work.rework_since - dt.timedelta(hours=2)).strftime("%Y:%m:%d %H:%M:%S")
    assert "taken_before_work" in result(work, coordinator, jpeg_with_exif(taken=earlier, gps=SITE_GPS)).flags


# --- the same hands -------------------------------------------------------------------------------


def test_a_member_of_the_agencys_line_group_is_the_agency(work, district_office):
    member = Actor.line_member(line_user_id="U" + "a" * 32, display_name="ช่างเอ", agency=district_office)
    assert result(work, member, jpeg_bytes(size=(640, 480), seed=7)).flags == []


def test_another_agencys_coordinator_is_not_the_agency(work, other_coordinator):
    assert result(work, other_coordinator, jpeg_bytes(size=(640, 480), seed=8)).flags == ["not_from_agency"]


def test_an_officer_uploading_for_a_line_agency_is_flagged(work, officer):
    assert result(work, officer, jpeg_bytes(size=(640, 480), seed=9)).flags == ["not_from_agency"]


def test_an_officer_relaying_a_radio_agencys_result_is_not_flagged(case, officer):
    radio_agency = AgencyFactory(code="RADIO1")
    [a] = workflow.dispatch(complaint=case, agencies=[radio_agency], by=officer, channel=Assignment.Channel.RADIO)
    assert result(a, officer, jpeg_bytes(size=(640, 480), seed=10)).flags == []


# --- too fast ---------------------------------------------------------------------------------------


@pytest.fixture
def pothole(best_category):
    best_category.min_work_minutes = 30
    best_category.save(update_fields=["min_work_minutes"])
    return best_category


def resolved_after(work, coordinator, minutes):
    t0 = work.dispatched_at + dt.timedelta(minutes=5)
    workflow.acknowledge(assignment=work, by=coordinator, at=t0)
    result(work, coordinator, jpeg_bytes(size=(640, 480), seed=11))
    return workflow.resolve(assignment=work, by=coordinator, at=t0 + dt.timedelta(minutes=minutes))


def test_result_sooner_than_the_categorys_minimum_is_too_fast_and_needs_a_justification(
    pothole, work, coordinator, officer
):
    resolved_after(work, coordinator, 10)
    work.refresh_from_db()
    assert work.report_flags == ["too_fast"]
    assert workflow.result_flags(work) == ["too_fast"]
    entry = work.complaint.timeline.get(kind="resolved")
    assert entry.data["flags"] == ["too_fast"]
    with pytest.raises(errors.JustificationRequired):
        workflow.accept(assignment=work, by=officer)
    workflow.accept(assignment=work, by=officer, justification="ทีมอยู่ใกล้จุดเกิดเหตุ ใช้วัสดุสำเร็จรูป")
    verified = work.complaint.timeline.get(kind="verified")
    assert verified.data["accepted_flags"] == ["too_fast"]


def test_result_after_the_minimum_is_not_too_fast(pothole, work, coordinator):
    resolved_after(work, coordinator, 45)
    work.refresh_from_db()
    assert work.report_flags == [] and workflow.result_flags(work) == []


def test_no_minimum_means_not_checked(best_category, work, coordinator):
    assert best_category.min_work_minutes == 0
    resolved_after(work, coordinator, 1)
    work.refresh_from_db()
    assert work.report_flags == []


def test_field_report_that_acknowledges_and_resolves_at_once_counts_from_dispatch(pothole, case, coordinator, officer):
    [a] = workflow.dispatch(
        complaint=case, agencies=[coordinator.agency], by=officer, at=timezone.now() - dt.timedelta(hours=2)
    )
    result(a, coordinator, jpeg_bytes(size=(640, 480), seed=12))
    workflow.field_report(assignment=a, by=coordinator, step="done")
    a.refresh_from_db()
    assert a.status == Assignment.Status.RESOLVED and a.report_flags == []


# --- the flags reach the review ---------------------------------------------------------------------


def test_new_photo_flags_are_on_the_timeline_and_in_result_flags_so_accept_needs_a_reason(work, coordinator, officer):
    workflow.acknowledge(assignment=work, by=coordinator)
    before = timezone.localtime(work.dispatched_at - dt.timedelta(days=1)).strftime("%Y:%m:%d %H:%M:%S")
    photo = result(work, coordinator, jpeg_with_exif(taken=before))
    workflow.resolve(assignment=work, by=coordinator)
    entry = work.complaint.timeline.get(kind="photo", data__photo=photo.pk)
    assert entry.data["flags"] == ["exif_far_from_site", "taken_before_work"]
    assert str(FLAG_TEXT["taken_before_work"]) in entry.text
    assert workflow.result_flags(work) == ["exif_far_from_site", "taken_before_work"]
    with pytest.raises(errors.JustificationRequired) as refused:
        workflow.accept(assignment=work, by=officer)
    assert str(FLAG_TEXT["taken_before_work"]) in refused.value.th


def test_the_case_page_shows_each_flag_from_the_registry(client, supervisor, work, other_coordinator):
    result(work, other_coordinator, jpeg_bytes(size=(640, 480), seed=13))
    client.force_login(supervisor)
    page = client.get(f"/admin/complaints/complaint/{work.complaint_id}/change/").content.decode()
    assert str(FLAG_TEXT["not_from_agency"]) in page


def test_backfill_gives_old_photos_their_centre_hash(case):
    from django.core.management import call_command

    photo = workflow.add_photo(complaint=case, content=jpeg(scene(15)), by=None)
    PhotoFingerprint.objects.filter(photo=photo, kind=PhotoFingerprint.Kind.CENTRE).delete()
    call_command("backfill_fingerprints")
    call_command("backfill_fingerprints")  # idempotent
    assert sorted(photo.fingerprints.values_list("kind", flat=True)) == [0, 1]


def test_a_send_back_records_the_flags_of_the_refused_result(work, other_coordinator, coordinator, officer):
    workflow.acknowledge(assignment=work, by=coordinator)
    result(work, other_coordinator, jpeg_bytes(size=(640, 480), seed=14))
    workflow.resolve(assignment=work, by=coordinator)
    workflow.send_back(assignment=work, by=officer, reason="ไม่ใช่รูปของหน่วยงาน")
    assert work.complaint.timeline.get(kind="sent_back").data["flags"] == ["not_from_agency"]
