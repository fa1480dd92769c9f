# The LINE channel's admin (admin_line) and the outbox's (admin_outbox) live in their own modules.
from . import admin_line, admin_outbox  # noqa: F401
