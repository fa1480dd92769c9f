"""The demo is what a decision-maker sees first: its reports must tell a plausible story."""

from django.core.management import call_command
from django.utils import timezone

from reports import tables
from reports.table_base import last_full_month


def test_the_demo_reports_tell_a_plausible_story(reference_data, settings, tmp_path):
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=open(tmp_path / "seed.log", "w"))  # noqa: SIM115
    now = timezone.now()
    month = last_full_month(now)

    # Twelve months of history: no month of the trend is empty.
    trend = tables.trend_table(month, now)
    assert len(trend.rows) == 12
    assert all(r["received"] > 0 for r in trend.rows), [(r["month"], r["received"]) for r in trend.rows]

    # LINE crews send result photos from the site; a radio relay seldom does.
    rows = {r["name"]: r for r in tables.channel_table(month, now).rows}
    line = rows.pop("LINE")
    assert all(line["with_photo_pct"] > r["with_photo_pct"] for r in rows.values() if r["with_photo_pct"] is not None)
    assert line["photos_per_resolved"] > max(r["photos_per_resolved"] or 0 for r in rows.values())

    # BEST over radio/phone/fax is slower to acknowledge, but not never on time.
    # (Fax carries one or two BEST jobs a month: too few to hold to a share.)
    best = {r["name"]: r for r in tables.channel_table(month, now, best=True).rows}
    assert best["LINE"]["ack_sla_pct"] > best["วิทยุ"]["ack_sla_pct"] > 0
    assert best["LINE"]["ack_sla_pct"] > best["โทรศัพท์"]["ack_sla_pct"] > 0
