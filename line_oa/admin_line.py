"""Admin for the LINE channel: webhook events (errors, re-process), link codes, the officers' LINE inbox."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from agencies.visibility import can_see_line_ids, mask_line_id
from bkk1555.thaidate import thai_datetime
from complaints.models import Assignment

from . import inbox, limits, tasks_webhook
from .linking import create_code
from .models import InboxMessage, LinkCode, WebhookEvent


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "event_type", "source_type", "source_id", "status", "attempts", "short_error")
    # No filter on event_type/source_type: Django would scan the table for their DISTINCT values.
    list_filter = ("status", "is_redelivery")
    search_fields = ("=webhook_event_id", "=source_id", "=user_id", "=event_type")
    date_hierarchy = "received_at"
    actions = ["reprocess"]
    readonly_fields = [f.name for f in WebhookEvent._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("ข้อผิดพลาด"))
    def short_error(self, obj):
        return obj.error.splitlines()[0][:120] if obj.error else ""

    @admin.action(description=_("ประมวลผลเหตุการณ์ที่เลือกอีกครั้ง"), permissions=["change"])
    def reprocess(self, request, queryset):
        n = tasks_webhook.reprocess(list(queryset))
        self.message_user(request, _("ส่งประมวลผลใหม่ %(n)d รายการ") % {"n": n}, messages.SUCCESS)


class LinkCodeForm(forms.ModelForm):
    class Meta:
        model = LinkCode
        fields = ("kind", "coordinator", "agency")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "agency" not in self.fields:
            return
        self.fields["agency"].required = False
        self.fields["agency"].help_text = _("สำหรับรหัสผูกกลุ่ม LINE (รหัสของผู้ประสานงานใช้หน่วยงานของผู้นั้น)")

    def clean(self):
        data = super().clean()
        if data.get("kind") == LinkCode.Kind.COORDINATOR:
            if not data.get("coordinator"):
                raise ValidationError(_("กรุณาเลือกผู้ประสานงาน"))
            data["agency"] = data["coordinator"].agency
        elif not data.get("agency"):
            raise ValidationError(_("กรุณาเลือกหน่วยงานที่จะผูกกลุ่ม LINE"))
        return data


@admin.register(LinkCode)
class LinkCodeAdmin(admin.ModelAdmin):
    form = LinkCodeForm
    list_display = ("display_code", "kind", "coordinator", "agency", "expires_at", "used_at", "state")
    list_filter = ("kind",)
    search_fields = ("code", "coordinator__name", "agency__name_th")
    autocomplete_fields = ()
    raw_id_fields = ("coordinator", "agency")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("kind", "coordinator", "agency")
        return (
            "printable",
            "kind",
            "coordinator",
            "agency",
            "created_by",
            "created_at",
            "expires_at",
            "used_at",
            "used_by_line_id",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return False  # codes are shown, never edited

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("สถานะ"))
    def state(self, obj):
        if obj.used_at:
            return _("ใช้แล้ว")
        if obj.expires_at <= timezone.now():
            return _("หมดอายุ")
        return _("ใช้ได้")

    @admin.display(description=_("รหัส"))
    def printable(self, obj):
        target = obj.coordinator.name if obj.coordinator else obj.agency.name_th
        how = (
            _("เพิ่มเพื่อน LINE OA @ร้องทุกข์1555 แล้วพิมพ์รหัสนี้ส่งในแชต")
            if obj.kind == LinkCode.Kind.COORDINATOR
            else _("เชิญ LINE OA @ร้องทุกข์1555 เข้ากลุ่มของหน่วยงาน แล้วพิมพ์รหัสนี้ในกลุ่ม")
        )
        return format_html(
            '<div class="linkcode-print" style="border:2px dashed #555;padding:1em;max-width:28em">'
            '<div style="font-size:2.4em;font-family:monospace;letter-spacing:.15em">{}</div>'
            "<div>{}</div><div>{}</div><div>{} {}</div>"
            '<p><button type="button" onclick="window.print()">{}</button></p></div>',
            obj.display_code,
            target,
            how,
            _("ใช้ได้ครั้งเดียว หมดอายุ"),
            thai_datetime(obj.expires_at),
            _("พิมพ์"),
        )

    def save_model(self, request, obj, form, change):
        if change:
            return
        created = create_code(
            coordinator=obj.coordinator,
            agency=obj.agency if obj.kind == LinkCode.Kind.GROUP else None,
            by=request.user,
        )
        obj.pk, obj.code, obj.expires_at, obj.created_by = (
            created.pk,
            created.code,
            created.expires_at,
            created.created_by,
        )

    def response_add(self, request, obj, post_url_continue=None):
        return redirect(reverse("admin:line_oa_linkcode_change", args=[obj.pk]))


class UnreadFilter(admin.SimpleListFilter):
    title = _("การอ่าน")
    parameter_name = "unread"

    def lookups(self, request, model_admin):
        return [("yes", _("ยังไม่อ่าน"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(direction=InboxMessage.Direction.IN, read_at__isnull=True)
        return queryset


ANSWER_PREFIX = "เจ้าหน้าที่ศูนย์ 1555: "


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("ตอบกลับ"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def clean_text(self):
        # LINE counts UTF-16 units: 4,000 emoji are 8,000 of them, and LINE would refuse the push.
        text = self.cleaned_data["text"]
        if limits.utf16_len(ANSWER_PREFIX + text.strip()) > limits.TEXT:
            raise ValidationError(_("ข้อความยาวเกินที่ LINE รับได้ กรุณาแบ่งเป็นหลายข้อความ"))
        return text


@admin.register(InboxMessage)
class InboxMessageAdmin(admin.ModelAdmin):
    """Newest first; unread marked; open a conversation to read it all and answer (a push)."""

    list_display = ("unread_mark", "created_at", "chat_link", "agency", "case", "direction", "short_text")
    list_display_links = None
    list_filter = (UnreadFilter, "direction", "agency")
    search_fields = ("text", "sender_name", "=complaint__reference")
    list_select_related = ("agency", "coordinator", "complaint")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    @admin.display(description="")
    def unread_mark(self, obj):
        return "●" if obj.direction == InboxMessage.Direction.IN and obj.read_at is None else ""

    @admin.display(description=_("ผู้ส่ง/ห้องแชต"))
    def chat_link(self, obj):
        url = reverse("admin:line_oa_inbox_conversation", args=[obj.chat_id])
        return format_html('<a href="{}">{}</a>', url, obj.sender_name or mask_line_id(obj.chat_id))

    @admin.display(description=_("เรื่อง"))
    def case(self, obj):
        if obj.complaint_id is None:
            return "-"
        url = reverse("admin:complaints_complaint_change", args=[obj.complaint_id])
        return format_html('<a href="{}">{}</a>', url, obj.complaint.reference)

    @admin.display(description=_("ข้อความ"))
    def short_text(self, obj):
        return obj.text[:100]

    def get_urls(self):
        return [
            path(
                "conversation/<str:chat_id>/",
                self.admin_site.admin_view(self.conversation_view),
                name="line_oa_inbox_conversation",
            ),
            *super().get_urls(),
        ]

    def conversation_view(self, request, chat_id: str):
        if not self.has_view_permission(request):
            raise PermissionDenied
        thread = InboxMessage.objects.filter(chat_id=chat_id).select_related(
            "coordinator", "agency", "answered_by", "complaint"
        )
        # The heading names who wrote in (the coordinator or group), never the officer who answered.
        incoming = thread.filter(direction=InboxMessage.Direction.IN)
        first = incoming.order_by("-created_at", "-id").first() or thread.first()
        if first is None:
            get_object_or_404(InboxMessage, chat_id=chat_id)
        form = AnswerForm(request.POST or None)
        if request.method == "POST":
            if not request.user.has_perm("line_oa.add_inboxmessage"):
                raise PermissionDenied
            if form.is_valid():
                inbox.answer(chat_id=chat_id, by=request.user, text=form.cleaned_data["text"].strip())
                self.message_user(request, _("ส่งคำตอบแล้ว"), messages.SUCCESS)
                return redirect(request.path)
        thread.filter(direction=InboxMessage.Direction.IN, read_at__isnull=True).update(read_at=timezone.now())
        shown_id = chat_id if can_see_line_ids(request.user) else mask_line_id(chat_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("ข้อความ LINE: %(who)s") % {"who": first.sender_name or shown_id},
            "opts": self.model._meta,
            "thread": list(thread.order_by("created_at", "id"))[-200:],
            "form": form,
            "chat_id": shown_id,
            "first": first,
            "open_cases": _open_cases(first.agency_id),
        }
        return TemplateResponse(request, "admin/line_oa/inbox_conversation.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["unread_chats"] = (
            InboxMessage.objects.filter(direction=InboxMessage.Direction.IN, read_at__isnull=True)
            .values("chat_id")
            .annotate(n=Count("id"), last=Max("created_at"))
            .order_by("-last")[:50]
        )
        return super().changelist_view(request, extra_context)


def _open_cases(agency_id: int | None) -> list:
    """The agency's open cases (newest dispatch first, at most 10): what its messages may be about."""
    if agency_id is None:
        return []
    return list(
        Assignment.objects.filter(agency_id=agency_id)
        .open()
        .select_related("complaint")
        .order_by("-dispatched_at", "-id")[:10]
    )
