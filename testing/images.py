"""Small real images made with Pillow for tests."""

import io

from PIL import Image, ImageDraw


def jpeg_bytes(size=(64, 48), color=(200, 30, 30), seed: int = 0) -> bytes:
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((seed % size[0], 5, size[0] // 2 + seed % 7, size[1] - 5), fill=(10, 10 + seed % 200, 250))
    buf = io.BytesIO()
    image.save(buf, "JPEG")
    return buf.getvalue()


def png_bytes(size=(32, 32)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (0, 128, 0)).save(buf, "PNG")
    return buf.getvalue()
