"""The review page's three decisions. They only collect what the officer wrote: whether the
decision may be taken (a justification for a flagged result, a reason to send back, a
planned date not in the past) is the workflow's to say, so its Thai refusal is what the
officer reads, the same as in LINE and the API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bkk1555.dateinput import BEDateField

from . import rules

# Send-back reasons officers give most; ticked ones are sent to the agency with the free text.
SEND_BACK_REASONS = (
    ("unclear", _("รูปผลงานไม่ชัดเจน มองไม่เห็นว่าแก้ไขแล้ว")),
    ("wrong_place", _("รูปไม่ใช่จุดที่แจ้ง")),
    ("not_done", _("งานยังไม่เสร็จ")),
    ("reused", _("รูปซ้ำกับที่เคยส่งมา")),
    ("no_location", _("ขอรูปพร้อมตำแหน่งที่ถ่าย")),
)


class AcceptForm(forms.Form):
    note = forms.CharField(
        label=_("บันทึกการตรวจสอบ"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60})
    )
    justification = forms.CharField(
        label=_("เหตุผลที่ยอมรับผลแม้มีข้อสังเกต"),
        required=False,
        help_text=_("จำเป็นเมื่อระบบพบข้อสังเกตในรูปผลงาน บันทึกในประวัติเรื่องและนับในรายงาน"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )

    def __init__(self, *args, flagged: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if flagged:
            # Asked for in the browser; the workflow is what refuses an accept without it.
            self.fields["justification"].widget.attrs["required"] = "required"
        else:
            del self.fields["justification"]


class SendBackForm(forms.Form):
    reasons = forms.MultipleChoiceField(
        label=_("เหตุผลที่ส่งกลับ"), required=False, choices=SEND_BACK_REASONS, widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(
        label=_("รายละเอียดถึงหน่วยงาน"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )

    def reason(self) -> str:
        """The ticked reasons and the free text, as the agency will read them."""
        labels = dict(SEND_BACK_REASONS)
        parts = [str(labels[key]) for key in self.cleaned_data.get("reasons", [])]
        text = (self.cleaned_data.get("text") or "").strip()
        return "\n".join([*parts, text] if text else parts)


class PlanForm(forms.Form):
    planned_for = BEDateField(label=_("กำหนดแก้ไขถาวร"))
    reason = forms.ChoiceField(label=_("เหตุที่ต้องรอ"), choices=rules.PlanReason.choices)
    note = forms.CharField(
        label=_("แผนการแก้ไขถาวร"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )
