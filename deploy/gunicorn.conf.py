"""gunicorn settings for a bkk1555 web node (deploy/bin/web, the systemd unit and the tests use it).

Sync workers, one database connection each (persistent, DB_CONN_MAX_AGE): requests are
short and database-bound; see docs/capacity.md for the count per node.
"""

import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
worker_class = "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "20"))  # SIGTERM: finish what you have
keepalive = 5  # nginx keeps upstream connections open
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("WEB_ACCESS_LOG") or None
errorlog = "-"
proc_name = "bkk1555-web"


def child_exit(server, worker):
    """prometheus_client multiprocess mode: forget a dead worker's live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
