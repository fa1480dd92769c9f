import pytest

from .dataset import build


@pytest.fixture
def october(officer):
    return build(officer)
