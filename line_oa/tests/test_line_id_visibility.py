"""One rule for coordinators' LINE ids: supervisors see them in the admin as in the API; officers a mask."""

import pytest
from django.urls import reverse

from line_oa.models import InboxMessage, OutboxMessage

pytestmark = pytest.mark.django_db

UID = "U" + "4af4980629" * 3 + "ab"


@pytest.fixture
def outbox(coordinator):
    coordinator.line_user_id = UID
    coordinator.save()
    return OutboxMessage.objects.create(
        purpose="dispatch", agency=coordinator.agency, to=[UID], messages=[{"type": "text", "text": "x"}]
    )


def test_officers_see_masked_line_ids_in_the_outbox_and_coordinator_pages(client, officer, outbox, coordinator):
    client.force_login(officer)
    for url in (
        reverse("admin:line_oa_outboxmessage_change", args=[outbox.pk]),
        reverse("admin:agencies_coordinator_change", args=[coordinator.pk]),
    ):
        html = client.get(url).content.decode()
        assert UID not in html and "U…29ab" in html, url


def test_supervisors_see_the_line_ids(client, supervisor, outbox, coordinator):
    client.force_login(supervisor)
    assert UID in client.get(reverse("admin:line_oa_outboxmessage_change", args=[outbox.pk])).content.decode()
    assert UID in client.get(reverse("admin:agencies_coordinator_change", args=[coordinator.pk])).content.decode()


def test_the_inbox_shows_officers_no_line_id(client, officer):
    InboxMessage.objects.create(chat_id=UID, text="สวัสดี")
    client.force_login(officer)
    html = client.get(reverse("admin:line_oa_inboxmessage_changelist")).content.decode()
    assert UID not in html.replace(f"/conversation/{UID}/", "")
    page = client.get(reverse("admin:line_oa_inbox_conversation", args=[UID])).content.decode()
    assert UID not in page.replace(f"/conversation/{UID}/", "")
