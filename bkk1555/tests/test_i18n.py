"""The English catalogue (locale/en) is compiled and actually used."""

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext

from complaints.models import Complaint


def test_model_verbose_name_is_translated_to_english_and_stays_thai_by_default():
    with translation.override("en"):
        assert str(Complaint._meta.verbose_name) == "Complaint"
        assert gettext("สำนักงานเขต") == "District Office"
        assert gettext("ศูนย์รับแจ้งทุกข์ 1555") == "1555 Complaint Centre"
    with translation.override("th"):
        assert str(Complaint._meta.verbose_name) == "เรื่องร้องทุกข์"


def test_placeholders_and_plurals_survive_translation():
    with translation.override("en"):
        assert (
            gettext("ส่งต่อเรื่อง %(ref)s ให้ %(names)s แล้ว (%(channel)s)")
            % {
                "ref": "2569-000123",
                "names": "Khet Bang Rak",
                "channel": "LINE",
            }
            == "Dispatched case 2569-000123 to Khet Bang Rak (LINE)"
        )
        msg = "ส่งใหม่ %(count)d ข้อความ"
        assert ngettext(msg, msg, 1) % {"count": 1} == "Resent 1 message"
        assert ngettext(msg, msg, 3) % {"count": 3} == "Resent 3 messages"


@pytest.mark.django_db
def test_admin_index_is_english_with_the_language_cookie(client, officer):
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/admin/").content.decode()
    assert "Complaint" in body
    assert "เรื่องร้องทุกข์" not in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    assert "เรื่องร้องทุกข์" in client.get("/admin/").content.decode()


def test_the_committed_english_catalogue_is_complete_and_compiled():
    """Every msgid translated, none fuzzy, and the committed .mo says what the .po says (a .po
    that does not compile leaves an old .mo behind, and English pages quietly turn Thai)."""
    from pathlib import Path

    import polib
    from django.conf import settings

    po_path = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    assert po.untranslated_entries() == [] and po.fuzzy_entries() == []
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    stale = [
        e.msgid for e in po.translated_entries() if compiled.get((e.msgctxt, e.msgid)) != (e.msgstr, e.msgstr_plural)
    ]
    assert stale == [], stale[:5]
