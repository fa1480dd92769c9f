"""Throughput of the public case page through gunicorn (issue 11: >= 300 pages/s on this machine).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bkk_a .venv/bin/python bench/public_page_http.py \
        [--pages 200] [--seconds 20] [--connections 16] [--workers 5]

Seed first with bench/seed.py. Starts gunicorn with deploy/gunicorn.conf.py (sync workers,
production settings: DEBUG off) on a spare port, then drives it with wrk (Debian package `wrk`),
rotating over `--pages` different cases so the database is asked for each one, and prints
pages/s, wrk's latency percentiles and any non-2xx answer (which fails the run).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import django_setup  # noqa: F401 - the project on the path, Django set up
from public_page import sample  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("needs wrk (apt-get install wrk)")

    paths = [c.public_path for c in sample(args.pages)]
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": str(args.workers),
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bkk1555.wsgi", "-c", "deploy/gunicorn.conf.py", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(port)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            quoted = ", ".join(f'"{p}"' for p in paths)
            script.write(
                f"paths = {{{quoted}}}\ni = 0\n"
                "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
            )
        base = f"http://127.0.0.1:{port}"
        # Warm up: every case once, one after another (the database's pages in memory), then every
        # worker at once (its first requests load templates and translations; seconds on a busy machine).
        for path in paths:
            urllib.request.urlopen(base + path, timeout=60).read()
        with concurrent.futures.ThreadPoolExecutor(args.workers * 2) as pool:
            list(pool.map(lambda p: urllib.request.urlopen(base + p, timeout=60).read(), paths))
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{args.connections}",
                f"-d{args.seconds}s",
                "--timeout",
                "10s",
                "--latency",
                "-s",
                script.name,
                base,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        server.terminate()
        server.wait(20)
    print(out)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    print(
        f"pages/s: {rate:.0f}  workers: {args.workers}  connections: {args.connections}  "
        f"non-2xx: {bad.group(1) if bad else 0}  target: >= 300"
    )
    if bad:
        raise SystemExit("some pages did not answer 200")


if __name__ == "__main__":
    main()
