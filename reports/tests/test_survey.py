"""The coordinators' survey: sending a round, scores and comments, through services, admin and LINE."""

import datetime as dt
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from django.utils import timezone

from line_oa.models import OutboxMessage
from line_oa.tests import events as ev
from reports import survey as svc
from reports.models import Survey, SurveyResponse
from testing.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(db):
    return Survey.objects.create(month=dt.date(2026, 10, 1))


@pytest.fixture
def two_coordinators(coordinator):
    unbound = CoordinatorFactory(agency=coordinator.agency, line_user_id=None)
    blocked = CoordinatorFactory(agency=coordinator.agency, line_unreachable_at=timezone.now())
    other = CoordinatorFactory()
    return coordinator, other, unbound, blocked


def test_sending_asks_every_reachable_coordinator_once_with_quick_replies_one_to_five(
    round_, two_coordinators, supervisor
):
    coordinator, other, unbound, blocked = two_coordinators
    assert svc.send_survey(survey=round_, by=supervisor) == 2
    assert set(round_.responses.values_list("coordinator", flat=True)) == {coordinator.pk, other.pk}
    [row] = OutboxMessage.objects.filter(purpose="survey")
    assert set(row.to) == {coordinator.line_user_id, other.line_user_id}
    [message] = row.messages
    items = message["quickReply"]["items"]
    assert [parse_qs(i["action"]["data"]) for i in items] == [
        {"action": ["survey"], "s": [str(round_.pk)], "score": [str(n)]} for n in range(1, 6)
    ]
    assert "ตุลาคม 2569" in message["text"]
    round_.refresh_from_db()
    assert round_.sent_at is not None and round_.sent_by == supervisor


def test_a_round_is_sent_only_once(round_, coordinator, supervisor):
    svc.send_survey(survey=round_, by=supervisor)
    with pytest.raises(svc.SurveyError):
        svc.send_survey(survey=round_, by=supervisor)
    assert OutboxMessage.objects.filter(purpose="survey").count() == 1


def test_sending_without_reachable_coordinators_is_refused(round_, supervisor):
    with pytest.raises(svc.SurveyError):
        svc.send_survey(survey=round_, by=supervisor)
    round_.refresh_from_db()
    assert round_.sent_at is None


def test_score_then_next_text_becomes_the_comment(round_, coordinator, supervisor):
    svc.send_survey(survey=round_, by=supervisor)
    [reply] = svc.answer_score(coordinator=coordinator, survey_id=str(round_.pk), score="4")
    assert "ขอบคุณสำหรับคะแนน 4" in reply["text"] and "ข้อเสนอแนะ" in reply["text"]
    [reply] = svc.take_comment(coordinator=coordinator, text="ส่งรูปสะดวกดี")
    assert "บันทึกความคิดเห็นแล้ว" in reply["text"]
    response = SurveyResponse.objects.get(survey=round_, coordinator=coordinator)
    assert (response.score, response.comment, response.awaiting_comment_until) == (4, "ส่งรูปสะดวกดี", None)
    assert svc.take_comment(coordinator=coordinator, text="งานค้างเรื่องท่อ") is None  # not ours any more


def test_comment_window_closes(round_, coordinator, supervisor):
    svc.send_survey(survey=round_, by=supervisor)
    svc.answer_score(coordinator=coordinator, survey_id=round_.pk, score=5)
    later = timezone.now() + svc.COMMENT_WINDOW + dt.timedelta(minutes=1)
    assert svc.take_comment(coordinator=coordinator, text="ช้าไป", at=later) is None


def test_skip_word_records_no_comment(round_, coordinator, supervisor):
    svc.send_survey(survey=round_, by=supervisor)
    svc.answer_score(coordinator=coordinator, survey_id=round_.pk, score=3)
    svc.take_comment(coordinator=coordinator, text="ไม่มี")
    assert SurveyResponse.objects.get(coordinator=coordinator).comment == ""


@pytest.mark.parametrize("score", ["0", "6", "x", None])
def test_out_of_range_or_garbage_scores_are_refused(round_, coordinator, supervisor, score):
    svc.send_survey(survey=round_, by=supervisor)
    svc.answer_score(coordinator=coordinator, survey_id=round_.pk, score=score)
    assert SurveyResponse.objects.get(coordinator=coordinator).score is None


def test_a_coordinator_who_was_not_asked_cannot_answer(round_, coordinator, supervisor, other_coordinator):
    other_coordinator.line_user_id = None
    other_coordinator.save()
    svc.send_survey(survey=round_, by=supervisor)
    [reply] = svc.answer_score(coordinator=other_coordinator, survey_id=round_.pk, score=5)
    assert "ไม่ได้ส่งถึงท่าน" in reply["text"]
    assert not SurveyResponse.objects.filter(coordinator=other_coordinator).exists()


def test_an_unregistered_sender_cannot_answer(round_):
    [reply] = svc.answer_score(coordinator=None, survey_id=round_.pk, score=5)
    assert "ยังไม่ได้ลงทะเบียน" in reply["text"]


def test_supervisor_sends_a_round_from_the_admin(client, supervisor, round_, coordinator):
    client.force_login(supervisor)
    response = client.post(
        reverse("admin:reports_survey_changelist"),
        {"action": "send_over_line", "_selected_action": [round_.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "ส่งถึงผู้ประสานงาน 1 คนแล้ว" in response.content.decode()
    assert SurveyResponse.objects.filter(survey=round_).count() == 1


def test_officer_cannot_send_a_survey(client, officer, round_, coordinator):
    client.force_login(officer)
    response = client.post(
        reverse("admin:reports_survey_changelist"), {"action": "send_over_line", "_selected_action": [round_.pk]}
    )
    assert response.status_code == 403
    assert not SurveyResponse.objects.exists()


def test_score_and_comment_over_the_signed_webhook(
    round_,
    coordinator,
    supervisor,
    post_webhook,
    line_stub,
    django_capture_on_commit_callbacks,
):
    svc.send_survey(survey=round_, by=supervisor)
    source = ev.user(coordinator.line_user_id)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(ev.callback(ev.postback(source, f"action=survey&s={round_.pk}&score=5"))).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(ev.callback(ev.text(source, "ประสานผ่าน LINE เร็วกว่าวิทยุมาก"))).status_code == 200
    response = SurveyResponse.objects.get(survey=round_, coordinator=coordinator)
    assert response.score == 5
    assert response.comment == "ประสานผ่าน LINE เร็วกว่าวิทยุมาก"
    texts = [m["text"] for r in line_stub.requests_to("/v2/bot/message/reply", valid=True) for m in r.body["messages"]]
    assert any("ขอบคุณสำหรับคะแนน 5" in t for t in texts)
    assert any("บันทึกความคิดเห็นแล้ว" in t for t in texts)


def test_survey_page_shows_the_month_average_and_comments(client, executive, round_, coordinator, supervisor):
    svc.send_survey(survey=round_, by=supervisor)
    svc.answer_score(coordinator=coordinator, survey_id=round_.pk, score=4)
    svc.take_comment(coordinator=coordinator, text="ดีมาก")
    client.force_login(executive)
    body = client.get(reverse("reports:survey"), {"month": "2026-10"}).content.decode()
    assert "4.00" in body and "ดีมาก" in body
    assert coordinator.name not in body


def test_survey_comments_export_without_coordinator_names(client, executive, round_, coordinator, supervisor):
    import csv
    import io

    svc.send_survey(survey=round_, by=supervisor)
    svc.answer_score(coordinator=coordinator, survey_id=round_.pk, score=2)
    svc.take_comment(coordinator=coordinator, text="แจ้งเตือนถี่เกินไป")
    client.force_login(executive)
    response = client.get(reverse("reports:export", args=["survey_comments", "csv"]), {"month": "2026-10"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["คะแนน (1–5)", "ความคิดเห็น", "หน่วยงาน", "ตอบเมื่อ"]
    assert rows[1][:3] == ["2", "แจ้งเตือนถี่เกินไป", coordinator.agency.name_th]
    assert coordinator.name not in response.content.decode("utf-8-sig")
