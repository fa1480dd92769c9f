from line_oa.tests.conftest import line_stub  # noqa: F401 - the LINE stub fixture, shared
from notices.tests.conftest import _send_at_once, fixed_case  # noqa: F401 - shared fixtures
