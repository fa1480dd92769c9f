"""Field audits: a reproducible, unbiased sample of fixed cases; "not found fixed" reopens."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audits import sampler
from audits.models import AuditDraw, Auditor, AuditRate, FieldAudit
from line_oa.models import OutboxMessage
from testing.factories import AgencyFactory, CoordinatorFactory
from testing.images import jpeg_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(db):
    centre = AgencyFactory(code="CENTRE", name_th="ศูนย์รับแจ้งทุกข์")
    return Auditor.objects.create(coordinator=CoordinatorFactory(agency=centre, name="ผู้ตรวจ ภาคสนาม"))


def test_draws_are_reproducible_from_the_seed():
    a = [sampler.draw_value(f"2569-{i:06d}", 1, seed="s") for i in range(50)]
    b = [sampler.draw_value(f"2569-{i:06d}", 1, seed="s") for i in range(50)]
    c = [sampler.draw_value(f"2569-{i:06d}", 1, seed="other") for i in range(50)]
    assert a == b and a != c and all(0 <= x < 1 for x in a)


def test_the_sample_rate_is_the_setting_on_average():
    n = 20000
    hits = sum(sampler.draw_value(f"2569-{i:06d}", 1, seed="rate") < 0.05 for i in range(n))
    assert 0.045 < hits / n < 0.055  # ±5σ of a binomial(20000, 0.05) is about ±0.0077


def test_every_fixed_closure_is_drawn_and_recorded(fixed_case, settings, auditor):
    settings.AUDIT_RATE_BEST = 0.0
    complaint = fixed_case()
    [draw] = AuditDraw.objects.filter(complaint=complaint)
    assert draw.rate == 0.0 and not draw.selected and draw.round == 1
    assert draw.draw == sampler.draw_value(complaint.reference, 1)
    assert not FieldAudit.objects.exists()


def test_a_category_rate_wins_over_the_setting(fixed_case, settings, best_category, auditor):
    settings.AUDIT_RATE_BEST = 0.0
    AuditRate.objects.create(category=best_category, rate=1)
    complaint = fixed_case()
    assert FieldAudit.objects.get(complaint=complaint).status == "pending"


def test_a_selected_case_sends_an_audit_card_to_an_auditor_of_another_agency(
    fixed_case, settings, auditor, district_office
):
    settings.AUDIT_RATE_BEST = 1.0
    complaint = fixed_case()
    audit = FieldAudit.objects.get(complaint=complaint)
    assert audit.auditor == auditor and audit.agency == district_office
    card = OutboxMessage.objects.get(purpose="audit")
    assert card.to == [auditor.coordinator.line_user_id]
    assert audit.url in str(card.messages) and "ไม่พบการแก้ไข" in str(card.messages)


def test_the_audit_card_is_valid_for_line(fixed_case, settings, auditor, line_stub):
    from line_oa import client

    settings.AUDIT_RATE_BEST = 1.0
    fixed_case()
    card = OutboxMessage.objects.get(purpose="audit")
    client.push(to=card.to[0], messages=card.messages, retry_key=str(card.retry_key))
    assert line_stub.invalid_requests() == []


def test_never_an_auditor_of_the_agency_that_fixed_it(fixed_case, settings, district_office):
    settings.AUDIT_RATE_BEST = 1.0
    Auditor.objects.create(coordinator=CoordinatorFactory(agency=district_office, name="คนในหน่วยงานเอง"))
    complaint = fixed_case()
    audit = FieldAudit.objects.get(complaint=complaint)
    assert audit.auditor is None and audit.status == "no_auditor"


def test_not_found_fixed_reopens_and_counts_as_a_false_closure(client, fixed_case, settings, auditor):
    settings.AUDIT_RATE_BEST = 1.0
    complaint = fixed_case()
    audit = FieldAudit.objects.get(complaint=complaint)
    photo = SimpleUploadedFile("a.jpg", jpeg_bytes(seed=21), content_type="image/jpeg")
    response = client.post(
        f"/audit/{audit.pk}/{audit.token}/",
        {"answer": "false", "photo": photo, "lat": "13.730100", "lng": "100.540100", "comment": "ยังมีหลุม"},
    )
    assert response.status_code == 200
    audit.refresh_from_db()
    complaint.refresh_from_db()
    assert audit.status == "false" and audit.photo is not None
    assert complaint.outcome == "" and complaint.status != "closed"
    assert complaint.timeline.filter(kind="reopened", actor_coordinator=auditor.coordinator).exists()


def test_fixed_for_real_keeps_the_case_closed_and_needs_a_photo(client, fixed_case, settings, auditor):
    settings.AUDIT_RATE_BEST = 1.0
    complaint = fixed_case()
    audit = FieldAudit.objects.get(complaint=complaint)
    assert client.post(f"/audit/{audit.pk}/{audit.token}/", {"answer": "confirmed"}).status_code == 400
    photo = SimpleUploadedFile("a.jpg", jpeg_bytes(seed=22), content_type="image/jpeg")
    client.post(f"/audit/{audit.pk}/{audit.token}/", {"answer": "confirmed", "photo": photo})
    audit.refresh_from_db()
    complaint.refresh_from_db()
    assert audit.status == "confirmed" and complaint.outcome == "fixed"


def test_a_wrong_audit_token_is_404(client, fixed_case, settings, auditor):
    settings.AUDIT_RATE_BEST = 1.0
    fixed_case()
    audit = FieldAudit.objects.get()
    assert client.get(f"/audit/{audit.pk}/nope/").status_code == 404


def test_supervisors_see_overdue_audits(client, fixed_case, settings, auditor, supervisor):
    import datetime as dt

    settings.AUDIT_RATE_BEST = 1.0
    fixed_case()
    FieldAudit.objects.update(due_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    client.force_login(supervisor)
    response = client.get("/admin/audits/fieldaudit/?overdue=yes")
    assert response.status_code == 200 and FieldAudit.objects.get().complaint.reference in response.content.decode()
