"""Content downloaded from LINE is bounded: the declared size is checked and the stream cut off."""

import pytest

from line_oa import client
from testing.images import jpeg_bytes

pytestmark = pytest.mark.django_db


def test_small_content_is_downloaded_whole(line_stub):
    line_stub.add_content("m1", jpeg_bytes())
    assert client.get_content("m1", max_bytes=10_000) == jpeg_bytes()


def test_content_over_the_limit_is_refused(line_stub):
    line_stub.add_content("m2", b"\xff" * 50_000)
    with pytest.raises(client.ContentTooLarge):
        client.get_content("m2", max_bytes=10_000)
