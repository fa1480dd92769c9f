"""Supervisors read and export the PII access log, and answer data-subject requests."""

from __future__ import annotations

import csv
import json

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bkk1555.thaidate import thai_datetime

from .access import record
from .models import PIIAccess
from .subject import normalise_phone, subject_data


class SubjectRequestForm(forms.Form):
    phone = forms.CharField(label=_("หมายเลขโทรศัพท์ของเจ้าของข้อมูล"), max_length=30)

    def clean_phone(self):
        digits = normalise_phone(self.cleaned_data["phone"])
        if len(digits) < 9:
            raise forms.ValidationError(_("กรุณาใส่หมายเลขโทรศัพท์เต็ม"))
        return digits


@admin.register(PIIAccess)
class PIIAccessAdmin(admin.ModelAdmin):
    list_display = ("when", "username", "action", "channel", "reference", "query", "ip_address")
    list_filter = ("action", "channel")
    search_fields = ("username", "=reference")
    show_full_result_count = False
    change_list_template = "admin/privacy/piiaccess/change_list.html"

    @admin.display(description=_("เวลา"), ordering="at")
    def when(self, obj):
        return thai_datetime(obj.at)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("export.csv", self.admin_site.admin_view(self.export_view), name="privacy_piiaccess_export"),
            path("subject/", self.admin_site.admin_view(self.subject_view), name="privacy_subject_request"),
            *super().get_urls(),
        ]

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        queryset = self.get_changelist_instance(request).get_queryset(request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="pii-access-{timezone.localdate():%Y%m%d}.csv"'
        response.write("\ufeff")  # Excel reads UTF-8 Thai with a BOM
        writer = csv.writer(response)
        writer.writerow(["at", "username", "action", "channel", "reference", "query", "ip_address", "path"])
        for a in queryset.iterator(chunk_size=2000):
            # Quote formula-like cells (CSV injection), as the reports' exports do.
            row = [
                timezone.localtime(a.at).isoformat(),
                a.username,
                a.action,
                a.channel,
                a.reference,
                a.query,
                a.ip_address or "",
                a.path,
            ]
            writer.writerow(["'" + v if isinstance(v, str) and v[:1] in "=+-@\t\r" else v for v in row])
        return response

    def subject_view(self, request):
        if not request.user.has_perm("privacy.export_subject_data"):
            raise PermissionDenied
        form = SubjectRequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            phone = form.cleaned_data["phone"]
            data = subject_data(phone)
            record(
                request,
                action=PIIAccess.Action.EXPORT,
                channel=PIIAccess.Channel.ADMIN,
                query=f"subject {phone[:-4]}xxxx ({len(data['complaints'])})",
            )
            response = HttpResponse(
                json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="pdpa-subject-{timezone.localdate():%Y%m%d}.json"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("คำขอของเจ้าของข้อมูล (PDPA): ส่งออกข้อมูลทั้งหมดของหมายเลขโทรศัพท์"),
        }
        return TemplateResponse(request, "admin/privacy/subject_request.html", context)
