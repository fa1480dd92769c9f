import pytest

from api.tests.conftest import mis_api, mis_user  # noqa: F401 - the MIS's API client, shared
from line_oa.tests.conftest import line_stub  # noqa: F401 - the LINE stub fixture, shared
from testing.sms_stub import SmsStub


@pytest.fixture
def sms_stub(settings):
    stub = SmsStub(key="key-1555", secret="secret-1555").start()
    settings.NOTICES_SMS_BACKEND = "thaibulksms"
    settings.THAIBULKSMS_API_BASE = stub.url
    settings.THAIBULKSMS_API_KEY = "key-1555"
    settings.THAIBULKSMS_API_SECRET = "secret-1555"
    settings.THAIBULKSMS_SENDER = "BKK1555"
    settings.NOTICES_SMS_TIMEOUT_SECONDS = 0.5
    settings.NOTICES_RETRY_BASE_SECONDS = 0
    settings.PUBLIC_BASE_URL = "https://bkk1555.example.org"
    yield stub
    stub.stop()


@pytest.fixture
def fixed_case(db, best_category, district_office, coordinator, officer):
    """A BEST case taken through dispatch, result photo and acceptance: closed as fixed."""
    from complaints import workflow
    from testing.factories import make_complaint
    from testing.images import jpeg_bytes

    def make(**kwargs):
        complaint = make_complaint(category=best_category, district=district_office.district, **kwargs)
        [a] = workflow.dispatch(complaint=complaint, agencies=[district_office], by=officer)
        workflow.acknowledge(assignment=a, by=coordinator)
        workflow.add_photo(complaint=complaint, content=jpeg_bytes(seed=7), by=coordinator, stage="after", assignment=a)
        workflow.resolve(assignment=a, by=coordinator)
        workflow.accept(assignment=a, by=officer, justification="ตรวจแล้ว")
        complaint.refresh_from_db()
        return complaint

    return make


@pytest.fixture(autouse=True)
def _send_at_once(monkeypatch):
    """Queue notices as the workflow writes them (tests hold one transaction open throughout)."""
    monkeypatch.setattr("notices.outbox.after_commit", lambda fn: fn())
