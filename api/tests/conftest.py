import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    # Throttle counters live in the cache; tests must not inherit each other's.
    cache.clear()
    yield
    cache.clear()


def client_for(user=None, *, token: bool = True) -> APIClient:
    client = APIClient()
    if user is not None:
        if token:
            key, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key.key}")
        else:
            client.force_login(user)
    return client


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def officer_api(officer):
    return client_for(officer)


@pytest.fixture
def supervisor_api(supervisor):
    return client_for(supervisor)


@pytest.fixture
def executive_api(executive):
    return client_for(executive)


@pytest.fixture
def mis_user(db):
    """A system account for the MIS, in the officer role (records and reads cases)."""
    from bkk1555.roles import OFFICER
    from testing.factories import make_user

    return make_user("mis-system", OFFICER)


@pytest.fixture
def mis_api(mis_user):
    return client_for(mis_user)


@pytest.fixture
def case(best_category, district_office):
    """A BEST complaint in the district office's district, not yet dispatched."""
    from testing.factories import make_complaint

    return make_complaint(category=best_category, district=district_office.district)


@pytest.fixture
def dispatched(case, district_office, officer):
    from complaints import workflow

    [assignment] = workflow.dispatch(complaint=case, agencies=[district_office], by=officer)
    return assignment
