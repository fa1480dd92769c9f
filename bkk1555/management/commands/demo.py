"""`make demo`: prepare the SQLite demo and run web, worker and beat together.

Runs again safely: migrations and reference data are idempotent, demo data is
only seeded into an empty database, demo users keep their password.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand

from bkk1555 import roles

DEMO_PASSWORD = "demo1555"
DEMO_USERS = [
    ("officer", "สมหญิง", "เจ้าหน้าที่ศูนย์", roles.OFFICER),
    ("supervisor", "ประเสริฐ", "หัวหน้าเวร", roles.SUPERVISOR),
    ("executive", "วิภาวดี", "ผู้บริหาร", roles.EXECUTIVE),
]


def ensure_demo_users() -> None:
    for username, first, last, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "is_staff": True}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=role))


def _sync_rich_menus(addr: str, env: dict) -> None:
    """Once the web process answers, create the rich menus in the simulator's fake LINE (the same
    command a deployment runs against LINE), so the simulator shows what LINE would."""
    host, _, port = addr.rpartition(":")
    for _ in range(120):
        try:
            socket.create_connection((host or "127.0.0.1", int(port)), timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    subprocess.run(
        [sys.executable, "manage.py", "line_richmenus"], env=env, cwd=settings.BASE_DIR, timeout=120, check=False
    )


def _die_with_parent() -> None:
    """In the child before exec: when the runner dies, even by SIGKILL, the kernel sends the
    child SIGTERM (Linux's PR_SET_PDEATHSIG), so no web server is left holding the port.
    Their own session still keeps Ctrl-C away from them: the runner stops them in order."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Command(BaseCommand):
    help = "Set up the demo database and serve web, Celery worker and beat on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--setup-only", action="store_true", help="Prepare the database and exit.")
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, setup_only=False, addr="127.0.0.1:8000", **options):
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3" and not setup_only:
            self.stdout.write(self.style.WARNING("DATABASE_URL is not SQLite: the demo will use it as it is."))
        if "PUBLIC_BASE_URL" not in os.environ:
            settings.PUBLIC_BASE_URL = f"http://{addr}"  # links printed and stored by the seed
        if not settings.REDIS_URL:
            # The seed already queues a few messages (an audit card): the queue folders must exist.
            for folder in ("queue", "processed", "control"):
                (settings.VAR_DIR / "celery" / folder).mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_reference", verbosity=0)
        call_command("seed_demo")
        ensure_demo_users()
        self._links()
        self.stdout.write(
            self.style.SUCCESS(
                f"\nbkk1555 demo — http://{addr}/\n"
                f"  logins (demo only, password {DEMO_PASSWORD}): officer · supervisor · executive\n"
                "  admin: /admin/   reports: /reports/   LINE simulator: /line/simulator/\n"
                "  complainant notices: /notices/demo/   field audits: /admin/audits/fieldaudit/\n"
            )
        )
        if setup_only:
            return
        self._serve(addr)

    def _links(self) -> None:
        """Where each app's part of the demo is (the notices page, a public page, an audit card)."""
        from complaints.management.commands.seed_demo import demo_parts

        for links in demo_parts("links"):
            links(stdout=self.stdout)

    def _serve(self, addr: str) -> None:
        """Run web, worker and beat as children; Ctrl-C or SIGTERM stops them in order.

        Children get their own session so Ctrl-C reaches only this runner, which then
        stops beat (no new work), the web server, and last the worker (warm shutdown:
        it finishes the message in hand). A worker or beat that dies is restarted a
        few times; the demo stops if the web server dies.
        """
        env = {**os.environ, "DEMO_MODE": "true"}
        # The simulator's fake LINE API is served by the web process: the worker must reach it there.
        env.setdefault("PUBLIC_BASE_URL", f"http://{addr}")
        py = sys.executable
        celery = [py, "-m", "celery", "-A", "bkk1555"]
        commands = {
            "web": [py, "manage.py", "runserver", addr, "--noreload"],
            # solo: one task at a time, which is what SQLite's single writer allows anyway.
            "worker": [
                *celery, "worker", "-Q", "line,default", "-P", "solo", "-n", "demo@%h",
                "--without-mingle", "--without-gossip", "--loglevel", "INFO",
            ],
            "beat": [*celery, "beat", "--loglevel", "INFO", "--schedule", str(settings.VAR_DIR / "celerybeat-schedule")],
        }  # fmt: skip
        procs: dict[str, subprocess.Popen] = {}
        restarts = {name: 0 for name in commands}

        def start(name: str) -> None:
            procs[name] = subprocess.Popen(
                commands[name], env=env, cwd=settings.BASE_DIR, start_new_session=True, preexec_fn=_die_with_parent
            )

        stop = False

        def _stop(*_):
            nonlocal stop
            stop = True

        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, _stop)
        for name in commands:
            start(name)
        threading.Thread(target=_sync_rich_menus, args=(addr, env), daemon=True).start()
        try:
            while not stop:
                for name, proc in list(procs.items()):
                    if proc.poll() is None:
                        continue
                    if name == "web" or restarts[name] >= 3:
                        self.stderr.write(f"{name} exited with {proc.returncode}; stopping the demo")
                        stop = True
                        break
                    restarts[name] += 1
                    self.stderr.write(f"{name} exited with {proc.returncode}; restarting it")
                    start(name)
                time.sleep(0.5)
        finally:
            self.stdout.write("Stopping beat, web and worker …")
            for name in ("beat", "web", "worker"):
                proc = procs.get(name)
                if proc is None or proc.poll() is not None:
                    continue
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(20 if name == "worker" else 10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
            self.stdout.write("Demo stopped.")
