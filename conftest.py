"""Shared fixtures: role users (officer, supervisor, executive, a coordinator of
another agency), PostgreSQL/Redis markers, media in a temporary folder."""

import os

import pytest

# Unit tests run Celery tasks in-process; the integration tests start real workers.
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")


def _is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)")
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://… (CI does)")
    for item in items:
        if "postgres" in item.keywords and not _is_postgres():
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not os.environ.get("REDIS_URL"):
            item.add_marker(skip_redis)


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """Run tasks in-process. Set here because pytest-django imports settings before this
    file's environment default above applies; the worker tests switch it off for themselves."""
    from bkk1555.celery import app

    app.conf.task_always_eager = True
    yield


@pytest.fixture(autouse=True)
def _media_and_fast_hashing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _thai_after_each_test():
    """A request with the English cookie leaves its thread in English (the middleware sets the
    language and nothing resets it between tests): every test starts in Thai, as people do."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def officer(db):
    from bkk1555.roles import OFFICER
    from testing.factories import make_user

    return make_user("officer", OFFICER)


@pytest.fixture
def supervisor(db):
    from bkk1555.roles import SUPERVISOR
    from testing.factories import make_user

    return make_user("supervisor", SUPERVISOR)


@pytest.fixture
def executive(db):
    from bkk1555.roles import EXECUTIVE
    from testing.factories import make_user

    return make_user("executive", EXECUTIVE)


@pytest.fixture
def best_category(db):
    from testing.factories import CategoryFactory

    return CategoryFactory(best=True, code="DRAIN_COVER", name_th="ฝาท่อระบายน้ำชำรุด/สูญหาย")


@pytest.fixture
def normal_category(db):
    from testing.factories import CategoryFactory

    return CategoryFactory(code="GARBAGE", name_th="ขยะตกค้าง", sla_ack_minutes=60, sla_resolve_hours=48)


@pytest.fixture
def district_office(db):
    from testing.factories import DistrictOfficeFactory

    return DistrictOfficeFactory()


@pytest.fixture
def coordinator(district_office):
    from testing.factories import CoordinatorFactory

    return CoordinatorFactory(agency=district_office, name="สมศักดิ์ ช่างใหญ่", is_lead=True)


@pytest.fixture
def other_coordinator(db):
    """A coordinator of another agency (Charlie): must never act on our cases."""
    from testing.factories import AgencyFactory, CoordinatorFactory

    return CoordinatorFactory(agency=AgencyFactory(code="MEA", name_th="การไฟฟ้านครหลวง"), name="ชาลี อื่นหน่วย")


@pytest.fixture
def reference_data(db):
    from complaints.reference_data import load_all

    load_all()
