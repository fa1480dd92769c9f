"""Photos at intake: several on the add form, checked like every other upload, stored with the
case in one transaction; a refused photo is a Thai error that keeps what was typed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints import photos, workflow
from complaints.errors import InvalidImage
from complaints.models import Complaint, Photo
from testing.factories import make_complaint
from testing.images import jpeg_bytes, png_bytes

from .test_intake_checks import _form

pytestmark = pytest.mark.django_db

ADD = "admin:complaints_complaint_add"


def _jpeg(name, seed):
    return SimpleUploadedFile(name, jpeg_bytes(size=(320, 240), seed=seed), content_type="image/jpeg")


def test_several_photos_are_stored_with_the_new_case(client, officer, best_category, district_office):
    client.force_login(officer)
    form = _form(best_category, district_office.district, _save_anyway="1")
    form["photos"] = [_jpeg("a.jpg", 1), SimpleUploadedFile("b.png", png_bytes((64, 64)), content_type="image/png")]
    response = client.post(reverse(ADD), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Complaint.objects.get()
    assert case.photos.count() == 2
    assert set(case.photos.values_list("stage", flat=True)) == {Photo.Stage.BEFORE}
    assert case.timeline.filter(kind="photo").count() == 2


def test_a_refused_photo_keeps_what_was_typed_and_saves_nothing(client, officer, best_category, district_office):
    client.force_login(officer)
    form = _form(best_category, district_office.district, _save_anyway="1", description="ต้นไม้ล้มขวางถนน ซอยสุขุมวิท 11")
    form["photos"] = [
        _jpeg("good.jpg", 1),
        SimpleUploadedFile("notes.jpg", b"not a picture", content_type="image/jpeg"),
    ]
    response = client.post(reverse(ADD), form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "notes.jpg" in html and "ไม่ใช่รูปภาพหรือไฟล์เสียหาย" in html and "กรุณาเลือกรูปอีกครั้ง" in html
    assert "ต้นไม้ล้มขวางถนน ซอยสุขุมวิท 11" in html and 'value="0899999999"' in html
    assert Complaint.objects.count() == 0 and Photo.objects.count() == 0


def test_the_add_form_takes_several_files(client, officer):
    client.force_login(officer)
    html = client.get(reverse(ADD)).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="photos"' in html and "multiple" in html.split('name="photos"')[1].split(">")[0]


def test_photos_of_an_attached_call_go_to_the_existing_case(client, officer, best_category, district_office):
    first = make_complaint(category=best_category, district=district_office.district)
    client.force_login(officer)
    form = _form(best_category, district_office.district, _attach_to=str(first.pk))
    form["photos"] = [_jpeg("a.jpg", 5)]
    assert client.post(reverse(ADD), form).status_code == 302
    assert Complaint.objects.count() == 1 and first.photos.count() == 1


def test_receive_with_photos_is_all_or_nothing(best_category, district_office, officer):
    with pytest.raises(InvalidImage):
        workflow.receive_with_photos(
            category=best_category,
            description="x",
            district=district_office.district,
            address="ถนนพระราม 4",
            by=officer,
            photos=[jpeg_bytes(seed=1), b"broken"],
        )
    assert Complaint.objects.count() == 0 and Photo.objects.count() == 0
    assert photos.MAX_BYTES == 10 * 1024 * 1024  # the help text's "10 MB"
