"""Production is secure by default: `check --deploy` with the production variables gives no
warning at all; demo values are refused; login and token guessing are limited."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **extra) -> dict:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "1555.bangkok.go.th",
        "CSRF_TRUSTED_ORIGINS": "https://1555.bangkok.go.th",
        "PUBLIC_BASE_URL": "https://1555.bangkok.go.th",
        "LINE_CHANNEL_SECRET": secrets.token_hex(16),
        "LINE_CHANNEL_ACCESS_TOKEN": secrets.token_urlsafe(120),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    env.update(extra)
    return env


def check_deploy(env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_the_production_variables_gives_zero_warnings(tmp_path):
    out = check_deploy(production_env(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "System check identified no issues (0 silenced)" in out.stdout


@pytest.mark.parametrize(
    "extra, code",
    [
        ({"DEMO_MODE": "true"}, "bkk1555.E005"),
        ({"SECRET_KEY": "insecure-local-only-key-change-me-in-production"}, "bkk1555.E004"),
        ({"LINE_CHANNEL_SECRET": "demo-channel-secret-1555"}, "bkk1555.E006"),
        ({"LINE_API_BASE": "http://127.0.0.1:8765"}, "bkk1555.E007"),
        ({"PUBLIC_BASE_URL": "http://1555.bangkok.go.th"}, "bkk1555.E003"),
    ],
)
def test_check_deploy_refuses_demo_values(tmp_path, extra, code):
    out = check_deploy(production_env(tmp_path, **extra))
    assert out.returncode != 0 and code in out.stderr + out.stdout


def test_https_deployments_get_secure_defaults(tmp_path):
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='bkk1555.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_PROXY_SSL_HEADER)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.split()[:4] == ["True", "True", "True", "31536000"], out.stderr
    assert "HTTP_X_FORWARDED_PROTO" in out.stdout


def test_the_csp_header_is_sent(client, db):
    response = client.get(reverse("admin:login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_password_spraying_from_one_address_is_locked(client, settings, db):
    from bkk1555.roles import OFFICER
    from testing.factories import make_user

    settings.AXES_FAILURE_LIMIT = 3
    for i in range(3):
        make_user(f"officer{i}", OFFICER)
        client.post(reverse("admin:login"), {"username": f"officer{i}", "password": "Spring2026!"})
    response = client.post(reverse("admin:login"), {"username": "officer0", "password": "pw-1555-test"})
    assert response.status_code == 429


def test_one_account_is_locked_whatever_address_guesses(client, settings, officer):
    settings.AXES_FAILURE_LIMIT = 3
    for i in range(3):
        client.post(reverse("admin:login"), {"username": "officer", "password": "x"}, REMOTE_ADDR=f"198.51.100.{i}")
    response = client.post(
        reverse("admin:login"), {"username": "officer", "password": "pw-1555-test"}, REMOTE_ADDR="198.51.100.77"
    )
    assert response.status_code == 429


def test_guessing_api_tokens_is_throttled(client, settings, db):
    from django.core.cache import cache

    cache.clear()
    settings.API_TOKEN_FAILURES_PER_MINUTE = 5
    codes = [
        client.get("/api/v1/complaints/", HTTP_AUTHORIZATION=f"Token {secrets.token_hex(20)}").status_code
        for _ in range(7)
    ]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
    cache.clear()


def test_behind_the_proxy_the_client_address_is_the_one_nginx_appended(rf, settings):
    from bkk1555.security import client_ip

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "203.0.113.7"
    settings.SECURE_PROXY_SSL_HEADER = None
    assert client_ip(request) == "10.0.0.2"
