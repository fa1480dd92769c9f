"""Photos: originals private and staff-only, public derivative without metadata, capture
time and GPS kept as fields, and bounded decoding (size and pixel caps)."""

import io
import subprocess
import sys
import textwrap

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints.errors import InvalidImage
from complaints.forms import NoteForm
from complaints.photos import MAX_BYTES, read_upload
from complaints.workflow import add_photo
from testing.factories import make_complaint
from testing.images import jpeg_with_exif


@pytest.fixture
def photo(officer, db):
    return add_photo(complaint=make_complaint(), content=jpeg_with_exif(), by=officer)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_public_derivative_has_no_metadata_and_is_open_to_anyone(client, photo):
    assert photo.public_image.name.startswith("public/")
    response = client.get(photo.public_image.url)
    assert response.status_code == 200
    body = _body(response)
    assert b"Somchai" not in body and b"0812345678" not in body and b"Exif" not in body
    assert not Image.open(io.BytesIO(body)).getexif()


def test_capture_time_and_gps_are_kept_as_fields(photo):
    assert photo.taken_at is not None and photo.taken_at.year == 2026
    assert float(photo.exif_lat) == pytest.approx(13.75) and float(photo.exif_lng) == pytest.approx(100.5)
    assert (photo.width, photo.height) == (640, 480)


def test_the_original_is_not_under_media_root(photo, settings):
    assert not (settings.MEDIA_ROOT / photo.image.name).exists()
    assert (settings.PRIVATE_MEDIA_ROOT / photo.image.name).exists()
    assert photo.image.url.startswith("/media/private/")


def test_originals_and_thumbnails_need_a_login(client, photo):
    for url in (photo.image.url, photo.thumbnail.url):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_executive_cannot_fetch_an_original(client, executive, photo):
    client.force_login(executive)
    assert client.get(photo.image.url).status_code == 403


def test_an_officer_gets_the_original_with_its_exif(client, officer, photo):
    client.force_login(officer)
    response = client.get(photo.image.url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"Somchai" in _body(response)


def test_other_files_under_media_are_staff_only(client, settings, db):
    (settings.MEDIA_ROOT / "line_media" / "1").mkdir(parents=True)
    (settings.MEDIA_ROOT / "line_media" / "1" / "x.html").write_text("<script>alert(1)</script>")
    assert client.get("/media/line_media/1/x.html").status_code == 302
    assert client.get("/media/public/../line_media/1/x.html").status_code in (302, 404)


def test_an_officer_downloads_non_images_as_attachments(client, officer, settings):
    (settings.MEDIA_ROOT / "line_media").mkdir(parents=True)
    (settings.MEDIA_ROOT / "line_media" / "x.html").write_text("<script>alert(1)</script>")
    client.force_login(officer)
    response = client.get("/media/line_media/x.html")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_line_gets_the_derivative_not_the_original(client, photo):
    from line_oa.messages import photo_url

    path = photo_url(photo, thumbnail=False).split("://", 1)[1].split("/", 1)[1]
    body = _body(client.get("/" + path))
    assert b"Somchai" not in body and b"Exif" not in body


def _png(size) -> bytes:
    buf = io.BytesIO()
    Image.new("1", size).save(buf, "PNG", optimize=True)
    return buf.getvalue()


def test_a_decompression_bomb_png_is_refused_before_decoding(officer, db):
    bomb = _png((6300, 6300))
    assert len(bomb) < 200_000
    with pytest.raises(InvalidImage):
        add_photo(complaint=make_complaint(), content=bomb, by=officer)


def test_a_big_upload_is_refused_by_its_size_before_it_is_read():
    class Huge(io.BytesIO):
        size = 200 * 1024 * 1024

        def read(self, *args):  # pragma: no cover - must never be called
            raise AssertionError("read a 200 MB upload")

    with pytest.raises(InvalidImage):
        read_upload(Huge())
    form = NoteForm(data={"stage": "before"}, files={"photo": SimpleUploadedFile("a.jpg", b"x" * (MAX_BYTES + 1))})
    assert not form.is_valid() and "photo" in form.errors


def test_a_read_is_bounded_even_when_the_declared_size_lies():
    class Liar(io.BytesIO):
        size = 10

    with pytest.raises(InvalidImage):
        read_upload(Liar(b"x" * (MAX_BYTES + 100)))


PEAK_SCRIPT = textwrap.dedent(
    """
    import os, sys
    import django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkk1555.settings")
    django.setup()
    from complaints.errors import InvalidImage
    from complaints.photos import _open
    def kb(field):
        for line in open("/proc/self/status"):
            if line.startswith(field):
                return int(line.split()[1])
    data = open(sys.argv[1], "rb").read()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak (VmHWM) to the current RSS
    base = kb("VmRSS:")
    try:
        _open(data)
        result = "ok"
    except InvalidImage:
        result = "refused"
    print(result, (kb("VmHWM:") - base) // 1024)
    """
)


@pytest.mark.parametrize(
    "kind, expect",
    [("bomb.png", "refused"), ("phone50mp.jpg", "ok"), ("phone12mp.png", "ok"), ("progressive50mp.jpg", "refused")],
)
def test_peak_memory_of_decoding_is_bounded(kind, expect, tmp_path):
    """Measured in a fresh process (ru_maxrss is a high-water mark, so the image is made
    here and only read there): a 6300x6300 PNG (~460 MB before) is refused from its header;
    a 50 MP phone JPEG is decoded with draft; a progressive one (no draft) is refused."""
    buf = io.BytesIO()
    if kind == "bomb.png":
        Image.new("1", (6300, 6300)).save(buf, "PNG", optimize=True)
    elif kind == "phone12mp.png":
        Image.new("RGB", (4000, 3000), (10, 20, 30)).save(buf, "PNG")
    else:
        Image.new("RGB", (8160, 6120), (120, 130, 140)).save(
            buf, "JPEG", quality=60, progressive=kind.startswith("progressive")
        )
    path = tmp_path / kind
    path.write_bytes(buf.getvalue())
    del buf
    out = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    result, grown_mb = out.stdout.split()
    assert result == expect
    # For scale: a full decode of 50 MP RGB alone is 150 MB.
    limit = 120 if kind == "phone12mp.png" else 50
    assert int(grown_mb) < limit, f"{kind}: peak grew {grown_mb} MB"
    print(kind, result, grown_mb, "MB")
