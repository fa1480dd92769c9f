"""`make demo`: prepare the SQLite demo and run web, worker and beat together.

Runs again safely: migrations and reference data are idempotent, demo data is
only seeded into an empty database, demo users keep their password.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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


class Command(BaseCommand):
    help = "Set up the demo database and serve web, Celery worker and beat on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--setup-only", action="store_true", help="Prepare the database and exit.")
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, setup_only=False, addr="127.0.0.1:8000", **options):
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3" and not setup_only:
            self.stdout.write(self.style.WARNING("DATABASE_URL is not SQLite: the demo will use it as it is."))
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_reference", verbosity=0)
        call_command("seed_demo")
        ensure_demo_users()
        self.stdout.write(
            self.style.SUCCESS(
                f"\nbkk1555 demo — http://{addr}/\n"
                f"  logins (demo only, password {DEMO_PASSWORD}): officer · supervisor · executive\n"
                "  admin: /admin/   reports: /reports/   LINE simulator: /line/simulator/\n"
            )
        )
        if setup_only:
            return
        self._serve(addr)

    def _serve(self, addr: str) -> None:
        env = {**os.environ, "DEMO_MODE": "true"}
        py = sys.executable
        (settings.VAR_DIR / "celery").mkdir(parents=True, exist_ok=True)
        commands = {
            "web": [py, "manage.py", "runserver", addr, "--noreload"],
            "worker": [py, "-m", "celery", "-A", "bkk1555", "worker", "-Q", "line,default", "-P", "solo",
                       "--loglevel", "INFO"],
            "beat": [py, "-m", "celery", "-A", "bkk1555", "beat", "--loglevel", "INFO",
                     "--schedule", str(settings.VAR_DIR / "celerybeat-schedule")],
        }
        procs = {name: subprocess.Popen(cmd, env=env, cwd=settings.BASE_DIR) for name, cmd in commands.items()}
        stop = False

        def _stop(*_):
            nonlocal stop
            stop = True

        signal.signal(signal.SIGTERM, _stop)
        try:
            while not stop:
                for name, proc in procs.items():
                    if proc.poll() is not None:
                        self.stderr.write(f"{name} exited with {proc.returncode}; stopping the demo")
                        stop = True
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    proc.terminate()
            for proc in procs.values():
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
