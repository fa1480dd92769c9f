"""Small real images made with Pillow for tests."""

import io

from PIL import Image, ImageDraw


def jpeg_bytes(size=(64, 48), color=(200, 30, 30), seed: int = 0) -> bytes:
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    right = size[0] // 2 + seed % 7
    left = min(seed % size[0], right)  # large seeds (PostgreSQL's ids) must still draw a box
    draw.rectangle((left, 5, right, size[1] - 5), fill=(10, 10 + seed % 200, 250))
    buf = io.BytesIO()
    image.save(buf, "JPEG")
    return buf.getvalue()


def png_bytes(size=(32, 32)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (0, 128, 0)).save(buf, "PNG")
    return buf.getvalue()


def jpeg_with_exif(
    size=(640, 480),
    *,
    artist: str = "Somchai Jaidee 0812345678",
    description: str = "โทร 081-234-5678 สมชาย",
    gps=((13.0, 45.0, 0.0), (100.0, 30.0, 0.0)),
    taken: str = "2026:11:30 10:15:00",
    seed: int = 0,
) -> bytes:
    """A phone-like JPEG carrying what must never be published: Artist, ImageDescription, GPS, time."""
    image = Image.new("RGB", size, (90, 120, 150))
    ImageDraw.Draw(image).ellipse((seed % 50, 20, size[0] // 2, size[1] - 20), fill=(240, 200, 10))
    exif = Image.Exif()
    exif[0x013B] = artist
    exif[0x010E] = description
    exif[0x0132] = taken
    exif[0x8769] = {36867: taken}
    if gps:
        exif[0x8825] = {1: "N", 2: gps[0], 3: "E", 4: gps[1]}
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif.tobytes(), comment=b"owner 0812345678")
    return buf.getvalue()
