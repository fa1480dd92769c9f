"""Public pages kept in the shared cache: no queries for a page already built, never stale after a
save, never found with a wrong or revoked token, and the form still carries the visitor's own
CSRF token."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from complaints import workflow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared_cache(settings):
    settings.CACHE_URL = "redis://stands-for-the-shared-cache"  # the tests' cache is the default one
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_page_already_built_is_served_without_a_query(fixed_case, django_assert_num_queries):
    complaint = fixed_case()
    first = Client().get(complaint.public_path)
    with django_assert_num_queries(0):
        again = Client().get(complaint.public_path)
    assert again.status_code == 200 and again["X-Robots-Tag"] == "noindex, nofollow"
    assert again["Cache-Control"] == "private, no-store"
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", again.content.decode()) == strip.sub("", first.content.decode())


def test_each_visitor_gets_their_own_csrf_token_and_can_answer(fixed_case):
    complaint = fixed_case()
    Client().get(complaint.public_path)  # builds the cached page
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(complaint.public_path).content.decode()
    token = _csrf(html)
    assert "csrf-token-of-this-visitor" not in html and len(token) == 64
    answered = visitor.post(complaint.public_path, {"answer": "fixed", "csrfmiddlewaretoken": token})
    assert answered.status_code == 302
    complaint.confirmation.refresh_from_db()
    assert complaint.confirmation.answer == "fixed"


def test_a_save_of_what_the_page_shows_drops_it(fixed_case, officer, district_office, django_assert_max_num_queries):
    complaint = fixed_case()
    Client().get(complaint.public_path)
    workflow.reopen(complaint=complaint, by=officer, reason="ผู้ร้องแจ้งว่ายังไม่เรียบร้อย")
    with django_assert_max_num_queries(4):  # built again from the database
        html = Client().get(complaint.public_path).content.decode()
    assert "ยังไม่ได้แก้ไข" not in html  # no longer asks "is it fixed?": the case is open again


def test_a_revoked_link_is_not_found_even_if_its_page_was_kept(fixed_case, supervisor):
    complaint = fixed_case()
    old = complaint.public_path
    assert Client().get(old).status_code == 200
    workflow.renew_public_link(complaint=complaint, by=supervisor)
    assert Client().get(old).status_code == 404
    complaint.refresh_from_db()
    assert Client().get(complaint.public_path).status_code == 200


def test_a_wrong_token_never_finds_a_kept_page_and_is_counted(fixed_case, settings):
    settings.PUBLIC_PAGE_MISSES_PER_HOUR = 2
    complaint = fixed_case()
    Client().get(complaint.public_path)
    assert Client().get(f"/c/{complaint.reference}/{'0' * 32}/").status_code == 404
    assert Client().get(f"/c/{complaint.reference}/{'1' * 32}/").status_code == 404
    assert Client().get(complaint.public_path).status_code == 429  # that address guessed too often


def test_without_a_shared_cache_every_page_is_built(fixed_case, settings, django_assert_num_queries):
    settings.CACHE_URL = ""  # each process's own cache would not hear of saves made elsewhere
    complaint = fixed_case()
    Client().get(complaint.public_path)
    with django_assert_num_queries(4):
        Client().get(complaint.public_path)
