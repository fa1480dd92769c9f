"""The case page's public link: shown to copy, renewed (the old address stops working) or
closed through workflow.renew_public_link."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _

from . import case_panels, workflow
from .models import Complaint


class PublicLinkMixin:
    """Mixed into ComplaintAdmin."""

    def public_link_urls(self):
        return [
            path(
                "<int:pk>/public-link/",
                self.admin_site.admin_view(self.public_link_view),
                name="complaints_complaint_public_link",
            )
        ]

    def public_link_context(self, request, complaint: Complaint) -> dict:
        return {
            "public_url": complaint.public_url,
            "can_change_public_link": self.has_change_permission(request, complaint),
            "case_panels": case_panels.render(request, complaint),
        }

    def public_link_view(self, request, pk):
        complaint = get_object_or_404(Complaint, pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, complaint):
            raise PermissionDenied
        op = request.POST.get("op", "")
        if op not in ("renew", "close"):
            self.message_user(request, _("ไม่รู้จักคำสั่งนี้"), messages.ERROR)
        else:
            workflow.renew_public_link(complaint=complaint, by=request.user, revoke_only=op == "close")
            if op == "close":
                self.message_user(request, _("ปิดหน้าติดตามเรื่องแล้ว ลิงก์เดิมใช้ไม่ได้"), messages.SUCCESS)
            else:
                self.message_user(request, _("เปลี่ยนลิงก์แล้ว ลิงก์เดิมใช้ไม่ได้ กรุณาแจ้งลิงก์ใหม่ให้ผู้ร้อง"), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
