"""Forms of the dispatch console (the admin's intermediate pages and the case page)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

from . import intake_staging, photos, workflow
from .errors import InvalidDetail, InvalidImage
from .models import Assignment, Complaint, Photo
from .photos import MAX_BYTES

MAX_INTAKE_PHOTOS = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one file input (Django's documented pattern); a list of uploads."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True, "accept": "image/*"}))
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else [data]
        return [super(PhotosField, self).clean(d, initial) for d in items if d]


class ComplaintForm(forms.ModelForm):
    # Only on the add form (the case page adds photos through its note form).
    photos = PhotosField(
        label=_("รูปภาพ"),
        help_text=_("เลือกได้หลายรูป (JPEG, PNG, WEBP หรือ GIF ไม่เกิน 10 MB ต่อรูป)"),
    )

    class Meta:
        model = Complaint
        # The admin narrows this further per user (fieldsets, read-only fields).
        fields = (
            "channel",
            "category",
            "description",
            "public_description",
            "address",
            "landmark",
            "district",
            "subdistrict",
            "lat",
            "lng",
            "received_at",
            "complainant_name",
            "complainant_phone",
            "complainant_phone_ext",
            "no_contact",
            "complainant_line_user_id",
        )
        # How the complainant is told the reference and the outcome (notices/routing.py).
        help_texts = {
            "complainant_phone": _("เบอร์มือถือได้รับการแจ้งผลทาง SMS (หรือ LINE ทางเบอร์โทรเมื่อเปิดใช้) เบอร์บ้านไม่ได้รับการแจ้ง"),
            "no_contact": _("ติ๊กเมื่อผู้ร้องไม่ต้องการให้ติดต่อกลับ: ไม่ส่งเลขที่เรื่องหรือผลการดำเนินการทางช่องทางใด ๆ"),
            "complainant_line_user_id": _(
                "เฉพาะเรื่องที่ผู้ร้องแจ้งทาง LINE ของ @ร้องทุกข์1555: รหัสผู้ใช้ (U ตามด้วย 32 ตัวอักษร) การแจ้งผลจะส่งกลับทาง LINE ถึงผู้ใช้นี้"
            ),
        }

    # Set by the admin's get_form: the officer filling the form (whose kept photos it may read).
    user = None

    def clean_photos(self):
        """Each photo through the same checks as every other upload (complaints/photos.py);
        kept as bytes for the save, which stores them with the case in one transaction. Photos
        the form kept from an earlier submit (intake_staging) come first, those the officer
        left ticked; a refused photo does not cost the others."""
        uploads = self.cleaned_data.get("photos") or []
        kept = self._kept_photos()
        self.photo_items = list(kept)
        if len(kept) + len(uploads) > MAX_INTAKE_PHOTOS:  # before reading any of them
            raise forms.ValidationError(_("แนบรูปได้ไม่เกิน %(n)d รูปต่อครั้ง"), params={"n": MAX_INTAKE_PHOTOS})
        refused = []
        for upload in uploads:
            try:
                content = photos.read_upload(upload)
                photos.validate_image(content)
            except InvalidImage as exc:
                refused.append(
                    forms.ValidationError(
                        _("รูป “%(name)s”: %(error)s — ข้อมูลอื่นที่กรอกและรูปอื่นที่ผ่านการตรวจเก็บไว้ให้แล้ว"),
                        params={"name": upload.name[:80], "error": exc.message},
                    )
                )
                continue
            self.photo_items.append((upload.name, content))
        if refused:
            raise forms.ValidationError(refused)
        return uploads

    def _kept_photos(self) -> list[tuple[str, bytes]]:
        token = self.data.get("_staged_photos", "")
        if not token or self.user is None:
            return []
        keep = {int(i) for i in self.data.getlist("_staged_keep") if str(i).isdigit()}
        return intake_staging.load(self.user, token, keep)

    photo_items: list[tuple[str, bytes]] = []

    @property
    def photo_contents(self) -> list[bytes]:
        return [content for _name, content in self.photo_items]

    def clean(self):
        data = super().clean()
        district, subdistrict = data.get("district"), data.get("subdistrict")
        if district and subdistrict and subdistrict.district_id != district.pk:
            self.add_error("subdistrict", _("แขวงที่เลือกไม่อยู่ในเขตนี้"))
        if self.errors:
            return data
        # The workflow's own intake rules (the API and the import run the same), shown on their field.
        current = {f: getattr(self.instance, f, None) for f in ("lat", "lng", "district", "subdistrict", "address")}
        values = {**current, **{f: v for f, v in data.items() if f in workflow.DETAIL_FIELDS}}
        category = data.get("category") or getattr(self.instance, "category", None)
        try:
            checked = workflow.check_details(
                values, category=category, received_at=data.get("received_at") if self.instance.pk is None else None
            )
        except InvalidDetail as exc:
            field = exc.field if exc.field in self.fields else None
            self.add_error(field, exc.message)
            return data
        if "district" in self.fields and data.get("district") is None:
            data["district"] = checked.get("district")
        if self.instance.pk is None and category is not None:
            self._offer_duplicates(data, category)
        return data

    # Set by the add page: the officer chose to attach this call to an existing case.
    attach_to = None
    duplicates: list = []

    def _offer_duplicates(self, data, category):
        """Before saving a new case: open cases of the same category nearby. The officer
        attaches the call to one of them, or saves a new case anyway."""
        if self.data.get("_save_anyway"):
            return
        found = workflow.similar_open_cases(category=category, lat=data.get("lat"), lng=data.get("lng"))
        chosen = self.data.get("_attach_to", "")
        if chosen.isdigit() and any(c.pk == int(chosen) for c, _m in found):
            self.attach_to = next(c for c, _m in found if c.pk == int(chosen))
            return
        if found:
            self.duplicates = found
            raise forms.ValidationError(
                _("พบเรื่องที่ยังไม่ปิดของประเภทเดียวกันใกล้จุดนี้ %(n)d เรื่อง: เลือกเพิ่มผู้ร้องในเรื่องเดิม หรือบันทึกเป็นเรื่องใหม่"),
                params={"n": len(found)},
            )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("เหตุผล"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


class DuplicateForm(forms.Form):
    original = forms.CharField(
        label=_("เลขที่เรื่องหลัก"), max_length=12, help_text=_("เช่น 2569-000123 — เรื่องที่จะเก็บไว้ดำเนินการต่อ")
    )

    def clean_original(self):
        reference = self.cleaned_data["original"].strip()
        try:
            return Complaint.objects.get(reference=reference)
        except Complaint.DoesNotExist:
            raise forms.ValidationError(_("ไม่พบเรื่องเลขที่ %(ref)s"), params={"ref": reference}) from None


class DispatchForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("ช่องทางประสาน"), choices=Assignment.Channel.choices, initial=Assignment.Channel.LINE
    )
    note = forms.CharField(
        label=_("หมายเหตุถึงหน่วยงาน"),
        required=False,
        max_length=500,
        help_text=_("แสดงบนการ์ดส่งต่อเรื่องใน LINE ของหน่วยงาน"),
    )


class AcknowledgeByPhoneForm(forms.Form):
    name = forms.CharField(label=_("ชื่อผู้รับเรื่องของหน่วยงาน"), max_length=200)


class RerouteForm(forms.Form):
    reason = forms.CharField(label=_("เหตุผลที่ไม่ใช่หน่วยงานนี้"), widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
    to_agency = forms.ModelChoiceField(
        label=_("ส่งต่อใหม่ไปยัง"), queryset=Agency.objects.filter(is_active=True).order_by("kind", "code")
    )
    channel = forms.ChoiceField(label=_("ช่องทางประสาน"), choices=Assignment.Channel.choices)

    def __init__(self, *args, given_reason: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.given_reason = given_reason
        if given_reason:
            # The agency already said why (in LINE): not asked again; the officer may add to it.
            field = self.fields["reason"]
            field.required = False
            field.initial = given_reason
            field.label = _("เหตุผลที่หน่วยงานแจ้งไว้")
            field.help_text = _("หน่วยงานแจ้งเหตุผลนี้ไว้แล้ว แก้ไขหรือเพิ่มเติมได้ ไม่ต้องกรอกใหม่")

    def clean_reason(self):
        return (self.cleaned_data.get("reason") or "").strip() or self.given_reason


class NoteForm(forms.Form):
    text = forms.CharField(label=_("บันทึก"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
    photo = forms.FileField(label=_("แนบรูปภาพ"), required=False)
    stage = forms.ChoiceField(label=_("ขั้นตอนของรูป"), choices=Photo.Stage.choices, initial=Photo.Stage.BEFORE)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_BYTES:
            # Refused by its declared size: the admin view reads it only after this.
            raise forms.ValidationError(_("รูปภาพใหญ่เกิน 10 MB"))
        return photo

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("photo"):
            raise forms.ValidationError(_("กรุณาพิมพ์บันทึกหรือแนบรูปภาพ"))
        return data
