import pytest
from django.core.exceptions import ImproperlyConfigured

from bkk1555.env import env_bool, env_int
from bkk1555.thaidate import thai_date, thai_datetime, thai_month


@pytest.mark.django_db
def test_healthz_reports_database_up(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["database"] == "up"


@pytest.mark.django_db
def test_healthz_is_503_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    r = client.get("/healthz")
    assert r.status_code == 503
    assert r.json()["broker"] == "down"


def test_healthz_is_503_when_database_is_down(client, monkeypatch):
    from bkk1555 import views

    monkeypatch.setattr(views, "_database_ok", lambda: False)
    r = client.get("/healthz")
    assert r.status_code == 503 and r.json()["database"] == "down"


@pytest.mark.parametrize("raw", ["ture", "2", "maybe"])
def test_env_bool_refuses_bad_values(monkeypatch, raw):
    monkeypatch.setenv("X_FLAG", raw)
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG")


def test_env_bool_and_int_read_good_values(monkeypatch):
    monkeypatch.setenv("X_FLAG", "True")
    monkeypatch.setenv("X_NUM", "12")
    assert env_bool("X_FLAG") is True and env_int("X_NUM", 1) == 12
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 1)


def test_thai_dates_use_buddhist_era():
    import datetime as dt

    at = dt.datetime(2026, 11, 24, 7, 5, tzinfo=dt.UTC)  # 14:05 in Bangkok
    assert thai_date(at) == "24 พ.ย. 2569"
    assert thai_datetime(at) == "24 พ.ย. 2569 14:05 น."
    assert thai_month(2026, 10) == "ตุลาคม 2569"
