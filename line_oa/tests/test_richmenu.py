"""Rich menus per audience, created through the SDK against the stub, idempotently."""

import io

import pytest
from django.core.management import call_command
from PIL import Image

from line_oa import richmenu
from line_oa.models import RichMenu

pytestmark = pytest.mark.django_db


def test_menus_are_created_with_images_the_guest_menu_is_default_and_coordinators_linked(line_stub, coordinator):
    out = io.StringIO()
    call_command("line_richmenus", stdout=out)
    assert "guest: created" in out.getvalue() and "coordinator: created" in out.getvalue()
    assert line_stub.invalid_requests() == []
    guest, coord = (RichMenu.objects.get(audience=a).rich_menu_id for a in ("guest", "coordinator"))
    assert line_stub.default_rich_menu == guest
    assert line_stub.user_rich_menus[coordinator.line_user_id] == coord
    labels = [a["action"].get("label") for a in line_stub.rich_menus[coord]["areas"]]
    assert labels == ["งานของฉัน", "รายงานผล", "ติดต่อศูนย์", "วิธีใช้"]
    assert Image.open(io.BytesIO(line_stub.rich_menu_images[coord])).size == (2500, 843)


def test_running_it_again_changes_nothing(line_stub, coordinator):
    richmenu.sync()
    before = len(line_stub.requests)
    assert richmenu.sync() == {"guest": "kept", "coordinator": "kept"}
    assert [r.path for r in line_stub.requests[before:]] == ["/v2/bot/richmenu/list"]


def test_a_menu_deleted_on_line_is_created_again_and_the_old_one_removed(line_stub, coordinator):
    richmenu.sync()
    old = RichMenu.objects.get(audience="coordinator").rich_menu_id
    line_stub.rich_menus.pop(old)
    assert richmenu.sync()["coordinator"] == "created"
    assert RichMenu.objects.get(audience="coordinator").rich_menu_id != old


def test_link_at_registration_and_unlink_at_unfollow(line_stub):
    richmenu.sync()
    user = "U" + "7" * 32
    assert richmenu.link_coordinator(user)
    assert line_stub.user_rich_menus[user] == RichMenu.objects.get(audience="coordinator").rich_menu_id
    assert richmenu.unlink(user)
    assert user not in line_stub.user_rich_menus


def test_the_images_are_drawn_with_thai_text(tmp_path):
    call_command("line_richmenus", preview=str(tmp_path), stdout=io.StringIO())
    picture = Image.open(tmp_path / "richmenu-coordinator.png")
    assert picture.size == (2500, 843) and len(picture.getcolors(1 << 20) or []) > 10  # text anti-aliased on tiles
