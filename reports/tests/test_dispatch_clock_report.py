"""The reports show the centre's own time to dispatch: median, p90 and % on time, BEST apart."""

import datetime as dt

import pytest

from complaints import workflow
from complaints.sla import BANGKOK
from reports import dispatch_clock
from testing.factories import make_complaint

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 3, 22, 0, tzinfo=BANGKOK)


def test_time_to_dispatch_of_a_month(best_category, district_office, officer):
    for minutes in (5, 8, 30):
        case = make_complaint(category=best_category, received_at=T0)
        workflow.dispatch(complaint=case, agencies=[district_office], by=officer, at=T0 + dt.timedelta(minutes=minutes))
    make_complaint(category=best_category, received_at=T0)  # still waiting
    best, other = dispatch_clock.time_to_dispatch(dt.date(2026, 11, 1))
    assert best["dispatched"] == 3 and best["waiting"] == 1
    assert best["p50"] == 8 and best["p90"] == pytest.approx(25.6)
    assert best["on_time_pct"] == pytest.approx(200 / 3)
    assert other["dispatched"] == 0 and other["p50"] is None


def test_the_overview_shows_the_dispatch_clock(client, executive):
    client.force_login(executive)
    html = client.get("/reports/?month=2026-11").content.decode()
    assert "เวลาส่งต่อของศูนย์ฯ" in html
