"""Build locale_django/th: the Thai that Django's own admin catalogue lacks or gets wrong.

Django loads LOCALE_PATHS before its contrib catalogues, so these entries win. The msgids are
copied exactly from the installed Django's English catalogue (so a Django upgrade that renames a
msgid shows up here as "not in Django's catalogue"). Run: .venv/bin/python locale_django/build.py
(then compilemessages). bkk1555/tests/test_no_english.py checks the pages that use them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import django
from thai_admin import DJANGO, DJANGOJS

HERE = Path(__file__).resolve().parent
ADMIN_LOCALE = Path(django.__file__).parent / "contrib" / "admin" / "locale"


def _entries(po: Path) -> dict[tuple[str, str], dict]:
    """(msgctxt, msgid) → {"msgid_plural": ...} from a .po file (only what we need of the format)."""
    text = po.read_text(encoding="utf-8")
    out = {}
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line)
            if m:
                key = m.group(1)
                fields[key] = m.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if fields.get("msgid"):
            out[(fields.get("msgctxt", ""), fields["msgid"])] = fields
    return out


def _unescape(s: str) -> str:
    """A .po string's text: only \\" \\\\ and \\n escapes occur in Django's admin catalogue."""
    return s.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def build(domain: str, wanted: dict) -> str:
    english = _entries(ADMIN_LOCALE / "en" / "LC_MESSAGES" / f"{domain}.po")
    by_text = {(ctx, _unescape(mid)): fields for (ctx, mid), fields in english.items()}
    lines = [
        'msgid ""',
        'msgstr ""',
        '"Project-Id-Version: bkk1555\\n"',
        '"PO-Revision-Date: 2026-12-02 00:00+0700\\n"',
        '"Last-Translator: bkk1555\\n"',
        '"Language-Team: Thai\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        '"Language: th\\n"',
        '"Plural-Forms: nplurals=1; plural=0;\\n"',
        "",
    ]
    missing = []
    for key, thai in wanted.items():
        ctx, msgid = key if isinstance(key, tuple) else ("", key)
        fields = by_text.get((ctx, msgid))
        if fields is None:
            missing.append(msgid)
            continue
        if ctx:
            lines.append(f'msgctxt "{fields["msgctxt"]}"')
        lines.append(f'msgid "{fields["msgid"]}"')
        thai = thai.replace('"', '\\"')
        if "msgid_plural" in fields:
            lines.append(f'msgid_plural "{fields["msgid_plural"]}"')
            lines.append(f'msgstr[0] "{thai}"')
        else:
            lines.append(f'msgstr "{thai}"')
        lines.append("")
    if missing:
        sys.exit(f"not in Django's {domain} catalogue: {missing}")
    return "\n".join(lines)


if __name__ == "__main__":
    target = HERE / "th" / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    for domain, wanted in (("django", DJANGO), ("djangojs", DJANGOJS)):
        po = target / f"{domain}.po"
        po.write_text(build(domain, wanted), encoding="utf-8")
        subprocess.run(["msgfmt", "--check", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
    print("written", target)
