"""Thai pages carry no English: every console page, report, simulator page, the public case page
and the error pages, for each role, rendered in Thai on the demo data set."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.views.defaults import server_error as server_error_page

from testing.visible_text import english_words, visible_text


def data_words() -> set[str]:
    """Words of the data itself, not of the product: the English names of places, agencies and
    categories (name_en, shown beside the Thai), the test users' names, and the English text of
    the agencies' duties (handles_en, edited beside the Thai handles_th on the agency's form)."""
    import re

    from agencies.models import Agency, District, Subdistrict, Zone
    from complaints.models import Category

    texts = []
    for model in (Agency, District, Subdistrict, Zone, Category):
        texts += model.objects.values_list("name_en", flat=True)
    texts += Agency.objects.values_list("handles_en", flat=True)
    texts += ["Officer Supervisor Executive"]
    return {w.lower() for t in texts for w in re.findall(r"[A-Za-z]+", t or "")}


def _admin_pages(user):
    """Every admin page this user may open: index, each model's list, add form, one change form,
    and the console's own pages (home, queues, dispatch, review, inbox, privacy)."""
    from complaints.models import Assignment, Complaint
    from line_oa.models import InboxMessage

    request = RequestFactory().get("/admin/")
    request.user = user
    urls = ["/admin/", "/admin/queues/"]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if not model_admin.has_view_or_change_permission(request):
            continue
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        obj = model_admin.get_queryset(request).order_by("-pk").first()
        if obj is not None:
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    if user.has_perm("complaints.dispatch_complaint"):
        waiting = Complaint.objects.filter(status=Complaint.Status.NEW).order_by("pk").first()
        if waiting:
            urls.append(reverse("admin:complaints_complaint_dispatch") + f"?ids={waiting.pk}")
        # The review page is an assignment's (the queue is a proxy of Assignment).
        review = Assignment.objects.filter(status="resolved").order_by("pk").first()
        if review:
            try:
                urls.append(reverse("admin:complaints_reviewqueue_review", args=[review.pk]))
            except NoReverseMatch:
                pass
    chat = InboxMessage.objects.order_by("pk").values_list("chat_id", flat=True).first()
    if chat and user.has_perm("line_oa.view_inboxmessage"):
        urls.append(reverse("admin:line_oa_inbox_conversation", args=[chat]))
    if user.has_perm("privacy.view_piiaccess"):
        urls.append(reverse("admin:privacy_subject_request"))
    return urls


REPORTS = ["", "agencies/", "categories/", "areas/", "trends/", "channels/", "outcomes/", "survey/", "closing/"]


def _other_pages(user, settings):
    from agencies.models import Agency
    from complaints.models import Complaint

    urls = []
    if user.has_perm("reports.view_reports"):
        urls += [f"/reports/{p}" for p in REPORTS]
        urls.append(f"/reports/agencies/{Agency.objects.order_by('pk').first().pk}/")
    if user.has_perm("complaints.dispatch_complaint"):
        from agencies.models import Coordinator

        played = Coordinator.objects.filter(is_active=True, line_user_id__isnull=False).order_by("pk").first()
        # The simulator alone, then playing a coordinator: the chat, the cards, the rich menu.
        urls += ["/line/simulator/", f"/line/simulator/?c={played.pk}", "/line/liff/report/"]
    case = Complaint.objects.exclude(public_token="").order_by("pk").first()
    urls.append(case.public_path)
    return urls


@pytest.fixture
def demo(reference_data, settings):
    from django.core.management import call_command

    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _english_on(client, url, expect=200, allowed=frozenset()):
    page = client.get(url, follow=True)
    assert page.status_code == expect, (url, page.status_code)
    return english_words(visible_text(page.content.decode()), allowed)


@pytest.mark.slow
def test_no_english_on_any_thai_page_for_any_role(client, demo, settings, officer, supervisor, executive):
    found, allowed, pages = {}, data_words(), 0
    for user in (officer, supervisor, executive):
        client.force_login(user)
        for url in [*_admin_pages(user), *_other_pages(user, settings)]:
            pages += 1
            words = _english_on(client, url, allowed=allowed)
            if words:
                found[f"{user.username} {url}"] = sorted(set(words))
    # Refusals and the error pages: 403 (an executive in the console), 404, and 500's own template.
    client.force_login(executive)
    found_errors = {
        "403": _english_on(client, "/admin/complaints/complaint/", expect=403),
        "404": _english_on(client, "/no-such-page/", expect=404),
    }
    server_error = server_error_page(RequestFactory().get("/"))
    assert server_error.status_code == 500
    found_errors["500"] = english_words(visible_text(server_error.content.decode()))
    found.update({k: v for k, v in found_errors.items() if v})
    assert pages > 60  # every role saw its pages: the crawl did not quietly shrink
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_error_pages_are_thai_and_plain(client, db):
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert "ไม่พบหน้านี้" in page.content.decode()
    error = server_error_page(RequestFactory().get("/"))
    assert "ระบบขัดข้อง" in error.content.decode() and "1555" in error.content.decode()
