"""Settings that are data, not choices an operator makes: the logging set-up and the
Content-Security-Policy. settings.py (the one place that reads the environment) uses them."""

from csp.constants import NONCE, NONE, SELF


def logging_config(log_format: str, level: str) -> dict:
    """Plain lines, or one JSON object per line (LOG_FORMAT=json; the same keys from web and workers)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "bkk1555.logs.ContextFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "json": {"()": "bkk1555.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if log_format == "json" else "plain",
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "INFO"}},
    }


# Content-Security-Policy (django-csp): scripts only from our own static files or with the
# response's nonce; the two inline handlers the pages use (`this.form.submit()` on month
# and coordinator pickers, `window.print()`) are allowed by hash. Styles may be inline
# (the admin and the simulator's Flex rendering use style attributes). OSM tiles for the
# reports map. Redoc builds its worker from a blob.
CSP_INLINE_HANDLERS = [
    "'sha256-osjxnKEPL/pQJbFk1dKsF7PYFmTyMWGmVSiL9inhxJY='",  # this.form.submit()
    "'sha256-MguIPR6qNR8D3B+eAlK+bIRTZe8t3wkOY4B/56Me9FU='",  # window.print()
]
CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, "'unsafe-hashes'", *CSP_INLINE_HANDLERS],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:", "https://tile.openstreetmap.org"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
