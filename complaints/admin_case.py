"""The case page of the console: its fieldsets, read-only details and the save that
goes through the workflow (receive for a new case, edit_details for a correction)."""

from __future__ import annotations

from functools import partial

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bkk1555.thaidate import thai_datetime

from . import intake_staging, workflow
from .pii import can_see_pii, mask_name, mask_phone


class CasePageMixin:
    """Mixed into ComplaintAdmin: the add form and the case page."""

    # --- the case page ---------------------------------------------------------------

    DETAILS = ("channel", "category", "description", "address", "landmark", "district", "subdistrict", "lat", "lng")

    def get_fieldsets(self, request, obj=None):
        pii = can_see_pii(request.user)
        person = (
            ("complainant_name", ("complainant_phone", "complainant_phone_ext"))
            if pii or obj is None
            else ("masked_name", "masked_phone")
        )
        if obj is None:
            return [
                (_("เรื่องร้องทุกข์"), {"fields": (*self.DETAILS, "received_at")}),
                (_("ผู้ร้อง (ข้อมูลส่วนบุคคล)"), {"fields": (*person, "no_contact", "complainant_line_user_id")}),
                (_("รูปภาพ"), {"fields": ("photos",)}),
            ]
        # The correction form (?edit=1): what an officer may correct. Everything else of the
        # case (its work, photos, outcome) is on the read-only case page (case_page.py).
        return [
            (None, {"fields": ("reference", "status", "received_at_th")}),
            (_("เรื่องร้องทุกข์"), {"fields": self.DETAILS}),
            (_("ข้อความเผยแพร่ (Open311)"), {"fields": ("public_description",)}),
            (_("ผู้ร้อง (ข้อมูลส่วนบุคคล)"), {"fields": (*person, "no_contact")}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("reference", "status", "category", "received_at_th", "masked_name", "masked_phone")

    def response_add(self, request, obj, post_url_continue=None):
        """Saved → the case's dispatch page (what the officer does next), not the list."""
        if getattr(obj, "_attached", False):
            messages.success(request, _("เพิ่มผู้ร้องในเรื่อง %(ref)s แล้ว (ไม่ได้สร้างเรื่องใหม่)") % {"ref": obj.reference})
            return HttpResponseRedirect(reverse("admin:complaints_complaint_change", args=[obj.pk]))
        messages.success(request, _("บันทึกเรื่อง %(ref)s แล้ว — เลือกหน่วยงานที่จะส่งต่อ") % {"ref": obj.reference})
        if self.has_dispatch_permission(request):
            return HttpResponseRedirect(reverse("admin:complaints_complaint_dispatch") + f"?ids={obj.pk}")
        return HttpResponseRedirect(reverse("admin:complaints_complaint_change", args=[obj.pk]))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})  # whose kept photos it may read

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context.get("adminform").form if context.get("adminform") else None
        context["duplicates"] = getattr(form, "duplicates", [])
        if add and form is not None and form.is_bound:
            # Shown again (an error, the duplicates): the photos that passed the checks are kept
            # for the next submit, since a browser cannot refill a file input.
            intake_staging.discard(form.data.get("_staged_photos", ""))
            items = getattr(form, "photo_items", [])
            context["staged_photos"] = intake_staging.stage(request.user, items)
            if items and context["staged_photos"] is None:
                messages.warning(request, _("เก็บรูปที่เลือกไว้ไม่ได้ กรุณาเลือกรูปอีกครั้งก่อนบันทึก"))
        if form is not None and "lat" in form.fields and "lng" in form.fields:
            context["intake_map"] = self.map_context()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_changeform_initial_data(self, request):
        return {
            "received_at": timezone.localtime().replace(second=0, microsecond=0),
            **super().get_changeform_initial_data(request),
        }

    @admin.display(description=_("รับเรื่องเมื่อ"))
    def received_at_th(self, obj):
        return thai_datetime(obj.received_at)

    @admin.display(description=_("ชื่อผู้ร้อง"))
    def masked_name(self, obj):
        return mask_name(obj.complainant_name)

    @admin.display(description=_("โทรศัพท์ผู้ร้อง"))
    def masked_phone(self, obj):
        return mask_phone(obj.complainant_phone)

    def save_model(self, request, obj, form, change):
        if change:
            # Only the descriptive fields the officer changed: status and deadlines
            # belong to the workflow and may have moved since the page was loaded.
            fields = [f for f in form.changed_data if f in workflow.EDITABLE_FIELDS]
            if fields:
                workflow.edit_details(complaint=obj, by=request.user, changes={f: form.cleaned_data[f] for f in fields})
            return
        data = form.cleaned_data
        contents = form.photo_contents
        transaction.on_commit(partial(intake_staging.discard, form.data.get("_staged_photos", "")))
        if form.attach_to is not None:
            workflow.add_complainant(
                complaint=form.attach_to,
                by=request.user,
                channel=data.get("channel"),
                name=data.get("complainant_name", ""),
                phone=data.get("complainant_phone", ""),
                description=data.get("description", ""),
                received_at=data.get("received_at"),
            )
            for content in contents:  # the caller's photos help the case they are about
                workflow.add_photo(complaint=form.attach_to, content=content, by=request.user)
            created = form.attach_to
            obj._attached = True
            obj.__dict__.update({k: v for k, v in created.__dict__.items() if k != "_state"})
            obj._state.adding = False
            obj._state.db = created._state.db
            return
        created = workflow.receive_with_photos(
            by=request.user,
            photos=contents,
            received_at=data.get("received_at"),
            **{f: data.get(f) for f in workflow.DETAIL_FIELDS if f in data},
        )
        obj.__dict__.update({k: v for k, v in created.__dict__.items() if k != "_state"})
        obj._state.adding = False
        obj._state.db = created._state.db
