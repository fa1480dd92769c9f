import pytest

from complaints.errors import InvalidImage
from complaints.models import Photo
from complaints.workflow import add_photo
from testing.factories import make_complaint
from testing.images import jpeg_bytes, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(best_category, district_office):
    return make_complaint(category=best_category, district=district_office.district)


def test_photo_is_stored_with_thumbnail_hashes_and_timeline_entry(case, officer):
    photo = add_photo(complaint=case, content=jpeg_bytes(size=(1200, 900)), by=officer)
    assert len(photo.sha256) == 64 and len(photo.phash) == 16
    assert (photo.width, photo.height) == (1200, 900)
    assert photo.thumbnail.width <= 480
    assert photo.uploaded_by_user == officer
    assert case.timeline.filter(kind="photo", data__photo=photo.pk).exists()


@pytest.mark.parametrize("content", [b"", b"not an image at all", jpeg_bytes()[:200], b"GIF89a" + b"\0" * 20])
def test_broken_image_is_refused_and_nothing_is_stored(case, officer, content):
    with pytest.raises(InvalidImage) as err:
        add_photo(complaint=case, content=content, by=officer)
    assert err.value.th and err.value.en
    assert not Photo.objects.exists()
    assert not case.timeline.filter(kind="photo").exists()


def test_png_is_accepted(case, officer):
    assert add_photo(complaint=case, content=png_bytes(), by=officer).image.name.endswith(".png")


def test_fake_fix_guard_flags_reused_photo_and_missing_location(case, coordinator):
    before = jpeg_bytes(seed=3)
    add_photo(complaint=case, content=before, by=coordinator, stage="before")
    after = add_photo(complaint=case, content=before, by=coordinator, stage="after")
    assert set(after.flags) == {"reused", "no_location"}
    assert "เคยถูกส่งมาแล้ว" in case.timeline.filter(kind="photo").last().text


def test_fake_fix_guard_flags_far_location_and_passes_a_good_one(case, coordinator):
    far = add_photo(
        complaint=case, content=jpeg_bytes(seed=11), by=coordinator, stage="after", lat=case.lat + 1, lng=case.lng
    )
    assert far.flags == ["far_from_site"]
    good = add_photo(
        complaint=case,
        content=jpeg_bytes(seed=97, color=(0, 90, 0), size=(80, 60)),
        by=coordinator,
        stage="after",
        lat=case.lat,
        lng=case.lng,
    )
    assert good.flags == []
