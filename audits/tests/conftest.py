from line_oa.tests.conftest import line_stub, post_webhook, send  # noqa: F401 - the LINE stub and signed webhooks, shared
from notices.tests.conftest import _send_at_once, fixed_case  # noqa: F401 - shared fixtures
