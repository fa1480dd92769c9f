"""Photos at intake: several on the add form, checked like every other upload, stored with the
case in one transaction; a refused photo is a Thai error that keeps what was typed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints import photos, workflow
from complaints.errors import InvalidImage
from complaints.models import Complaint, Photo
from testing.factories import make_complaint
from testing.images import jpeg_bytes, png_bytes

from .test_intake_checks import _form

pytestmark = pytest.mark.django_db

ADD = "admin:complaints_complaint_add"


def _jpeg(name, seed):
    return SimpleUploadedFile(name, jpeg_bytes(size=(320, 240), seed=seed), content_type="image/jpeg")


def test_several_photos_are_stored_with_the_new_case(client, officer, best_category, district_office):
    client.force_login(officer)
    form = _form(best_category, district_office.district, _save_anyway="1")
    form["photos"] = [_jpeg("a.jpg", 1), SimpleUploadedFile("b.png", png_bytes((64, 64)), content_type="image/png")]
    response = client.post(reverse(ADD), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Complaint.objects.get()
    assert case.photos.count() == 2
    assert set(case.photos.values_list("stage", flat=True)) == {Photo.Stage.BEFORE}
    assert case.timeline.filter(kind="photo").count() == 2


def test_a_refused_photo_keeps_what_was_typed_and_saves_nothing(client, officer, best_category, district_office):
    client.force_login(officer)
    form = _form(best_category, district_office.district, _save_anyway="1", description="ต้นไม้ล้มขวางถนน ซอยสุขุมวิท 11")
    form["photos"] = [
        _jpeg("good.jpg", 1),
        SimpleUploadedFile("notes.jpg", b"not a picture", content_type="image/jpeg"),
    ]
    response = client.post(reverse(ADD), form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "notes.jpg" in html and "ไม่ใช่รูปภาพหรือไฟล์เสียหาย" in html and "เก็บไว้ให้แล้ว" in html
    assert "ต้นไม้ล้มขวางถนน ซอยสุขุมวิท 11" in html and 'value="0899999999"' in html
    assert Complaint.objects.count() == 0 and Photo.objects.count() == 0


def test_the_add_form_takes_several_files(client, officer):
    client.force_login(officer)
    html = client.get(reverse(ADD)).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="photos"' in html and "multiple" in html.split('name="photos"')[1].split(">")[0]


def test_photos_of_an_attached_call_go_to_the_existing_case(client, officer, best_category, district_office):
    first = make_complaint(category=best_category, district=district_office.district)
    client.force_login(officer)
    form = _form(best_category, district_office.district, _attach_to=str(first.pk))
    form["photos"] = [_jpeg("a.jpg", 5)]
    assert client.post(reverse(ADD), form).status_code == 302
    assert Complaint.objects.count() == 1 and first.photos.count() == 1


def test_receive_with_photos_is_all_or_nothing(best_category, district_office, officer):
    with pytest.raises(InvalidImage):
        workflow.receive_with_photos(
            category=best_category,
            description="x",
            district=district_office.district,
            address="ถนนพระราม 4",
            by=officer,
            photos=[jpeg_bytes(seed=1), b"broken"],
        )
    assert Complaint.objects.count() == 0 and Photo.objects.count() == 0
    assert photos.MAX_BYTES == 10 * 1024 * 1024  # the help text's "10 MB"


# --- photos kept while the add form is shown again ---------------------------------------------


def _staged(html: str) -> str:
    import re

    match = re.search(r'name="_staged_photos" value="([^"]+)"', html)
    assert match, "the form keeps no photos"
    return match[1]


def _staging_folders() -> list[str]:
    from complaints import intake_staging
    from complaints.storage import private_storage

    storage = private_storage()
    return storage.listdir(intake_staging.PREFIX)[0] if storage.exists(intake_staging.PREFIX) else []


def test_photos_survive_the_duplicates_offer_and_are_saved_with_the_new_case(
    client, officer, best_category, district_office, django_capture_on_commit_callbacks
):
    make_complaint(category=best_category, district=district_office.district, lat="13.730000", lng="100.540000")
    client.force_login(officer)
    form = _form(best_category, district_office.district, lat="13.730100", lng="100.540100")
    form["photos"] = [_jpeg("front.jpg", 11), _jpeg("side.jpg", 12)]
    first = client.post(reverse(ADD), form)
    html = first.content.decode()
    assert first.status_code == 200 and 'id="duplicates"' in html  # the near case is offered
    assert "front.jpg" in html and "side.jpg" in html and "ไม่ต้องเลือกใหม่" in html
    assert Photo.objects.count() == 0

    again = _form(best_category, district_office.district, lat="13.730100", lng="100.540100", _save_anyway="1")
    again.update({"_staged_photos": _staged(html), "_staged_keep": ["0", "1"]})  # no file chosen again
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(ADD), again)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Complaint.objects.order_by("-id").first()
    assert case.photos.count() == 2
    assert _staging_folders() == []  # taken with the case, nothing left behind


def test_a_refused_photo_does_not_cost_the_good_one_and_an_unticked_photo_is_left_out(
    client, officer, best_category, district_office
):
    client.force_login(officer)
    form = _form(best_category, district_office.district, _save_anyway="1")
    form["photos"] = [_jpeg("good.jpg", 21), _jpeg("also-good.jpg", 22), SimpleUploadedFile("bad.jpg", b"x")]
    html = client.post(reverse(ADD), form).content.decode()
    assert "bad.jpg" in html and "ไม่ใช่รูปภาพหรือไฟล์เสียหาย" in html
    assert "good.jpg" in html.split('id="staged-photos"')[1] and "bad.jpg" not in html.split('id="staged-photos"')[1]

    again = _form(best_category, district_office.district, _save_anyway="1")
    again.update({"_staged_photos": _staged(html), "_staged_keep": ["1"]})  # the officer unticked good.jpg
    again["photos"] = [_jpeg("new.jpg", 23)]
    assert client.post(reverse(ADD), again).status_code == 302
    case = Complaint.objects.get()
    assert case.photos.count() == 2  # also-good.jpg and new.jpg


def test_another_officers_or_a_forged_token_reads_no_photos(client, officer, best_category, district_office):
    from bkk1555.roles import OFFICER
    from testing.factories import make_user

    client.force_login(officer)
    form = _form(best_category, district_office.district, _save_anyway="1", description="")
    form["photos"] = [_jpeg("mine.jpg", 31)]
    token = _staged(client.post(reverse(ADD), form).content.decode())  # refused: no description

    client.force_login(make_user("other", OFFICER))
    for forged in (token, token[:-3] + "abc"):
        again = _form(best_category, district_office.district, _save_anyway="1")
        again.update({"_staged_photos": forged, "_staged_keep": ["0"]})
        assert client.post(reverse(ADD), again).status_code == 302
    assert Photo.objects.count() == 0 and Complaint.objects.count() == 2


def test_the_sweep_deletes_kept_photos_after_a_day(officer):
    import datetime as dt

    from django.utils import timezone

    from complaints import intake_staging

    staged = intake_staging.stage(officer, [("a.jpg", jpeg_bytes(seed=41))])
    assert len(_staging_folders()) == 1
    assert intake_staging.sweep(timezone.now()) == 0  # fresh: kept
    assert intake_staging.load(officer, staged["token"]) != []
    assert intake_staging.sweep(timezone.now() + dt.timedelta(days=1, minutes=1)) == 1
    assert _staging_folders() == [] and intake_staging.load(officer, staged["token"]) == []


def test_photos_that_cannot_be_kept_are_said_so_in_thai(client, officer, best_category, district_office, monkeypatch):
    from complaints.storage import private_storage

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(type(private_storage()), "save", full)
    client.force_login(officer)
    form = _form(best_category, district_office.district, _save_anyway="1", description="")
    form["photos"] = [_jpeg("a.jpg", 51)]
    response = client.post(reverse(ADD), form)
    html = response.content.decode()
    assert response.status_code == 200 and "เก็บรูปที่เลือกไว้ไม่ได้" in html
    assert 'name="_staged_photos"' not in html and _staging_folders() == []
