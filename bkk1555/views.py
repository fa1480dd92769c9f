import os

from django.conf import settings
from django.db import connection
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except Exception:  # noqa: BLE001 - any failure means "down"
        return False


def _broker_ok() -> bool | None:
    """True/False for Redis when REDIS_URL is set; None when the demo runs without a broker server."""
    if not settings.REDIS_URL:
        return None
    from .redisconf import client

    try:
        redis = client(
            settings.REDIS_URL,
            master=settings.REDIS_SENTINEL_MASTER,
            sentinel_password=settings.REDIS_SENTINEL_PASSWORD,
        )
        return bool(redis.ping())
    except Exception:  # noqa: BLE001
        return False


def _outbox_overdue() -> int | None:
    """Outgoing LINE messages nobody is working on (no worker, broker lost them): informational."""
    try:
        from line_oa.delivery import overdue

        return overdue().count()
    except Exception:  # noqa: BLE001 - the database check reports the cause
        return None


@never_cache
def healthz_live(request):
    """Liveness: this process answers. No dependency is asked (a dead database must not get
    every web node restarted)."""
    return JsonResponse({"status": "live"})


def _replica_status() -> str | None:
    from . import dbrouter

    status = dbrouter.check()
    if not status["configured"]:
        return None
    if not status["up"]:
        return "down (reads from the primary)"
    if not status["used"]:
        return f"behind {status['lag_seconds']:.0f} s (reads from the primary)"
    return "up"


@never_cache
def healthz(request):
    """Readiness (also /healthz/ready): 200 when this node can serve — database and Redis
    answer and it is not draining; otherwise 503 with what is down. The replica and the
    outbox are reported but never make a node unready: reads fall back to the primary."""
    draining = bool(settings.DRAIN_FILE) and os.path.exists(settings.DRAIN_FILE)
    checks = {"database": _database_ok()}
    broker = _broker_ok()
    if broker is not None:
        checks["broker"] = broker
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "down", **{k: ("up" if v else "down") for k, v in checks.items()}}
    body["down"] = [k for k, v in checks.items() if not v]
    replica = _replica_status()
    if replica is not None:
        body["replica"] = replica
    if draining:
        body["status"] = "draining"
        healthy = False
    if broker is None:
        body["broker"] = "filesystem"  # the demo's broker-less queue under var/
    if checks["database"]:
        # Not a failure by itself (the sweep catches up), but a growing number means no worker runs.
        body["outbox_overdue"] = _outbox_overdue()
    return JsonResponse(body, status=200 if healthy else 503)


def home(request):
    """Executives land on their reports; everyone else on the dispatch console."""
    user = request.user
    if (
        user.is_authenticated
        and user.has_perm("reports.view_reports")
        and not user.has_perm("complaints.view_complaint")
    ):
        return redirect("reports:overview")
    return redirect("admin:index")


FAVICON = settings.BASE_DIR / "static" / "favicon.ico"


def favicon(request):
    """Browsers ask for /favicon.ico on every page: answer it (a day in their cache), not a 404."""
    response = FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
