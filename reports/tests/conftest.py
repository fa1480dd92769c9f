import pytest

from line_oa.tests.conftest import line_stub, post_webhook  # noqa: F401 - the LINE fixtures, reused

from .dataset import build


@pytest.fixture
def october(officer):
    return build(officer)
