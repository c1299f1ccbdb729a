"""Platform: health check, seed idempotency, production settings, webhook plumbing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import ApiKey, Provider
from classes.models import ClassSession, Enrollment, WaitlistEntry

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_seed_demo_twice_creates_nothing_new_and_prints_the_same_key(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = [
        m.objects.count() for m in (Provider, ApiKey, ClassSession, Enrollment, WaitlistEntry)
    ]
    call_command("seed_demo")
    second = capsys.readouterr().out
    assert [
        m.objects.count() for m in (Provider, ApiKey, ClassSession, Enrollment, WaitlistEntry)
    ] == counts
    key_line = next(line.strip() for line in first.splitlines() if "alr_demo-studio_" in line)
    assert key_line in second


@pytest.mark.django_db
def test_seed_demo_has_every_kind_of_class_the_readme_uses(capsys):
    call_command("seed_demo")
    sessions = ClassSession.objects.filter(provider__handle="demo-studio")
    assert sessions.filter(price_cents=0).exists()
    assert sessions.filter(price_cents__gt=0).exists()
    full = [s for s in sessions if s.enrollments.count() >= s.capacity]
    assert full
    assert full[0].waitlist_entries.exists()
    provider = Provider.objects.get(handle="demo-studio")
    assert provider.blackouts.exists()
    assert provider.package_types.exists()
    assert provider.memberships.filter(role="owner").exists()


def test_check_deploy_is_clean_with_production_environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_"))}
    env.update(
        SECRET_KEY="x" * 64 + "production-secret-for-the-check",
        ALLOWED_HOSTS="alera.example",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        REDIS_URL="redis://127.0.0.1:6379/0",
        STRIPE_SECRET_KEY="sk_live_placeholder",
        STRIPE_WEBHOOK_SECRET="whsec_placeholder",
        EMAIL_URL="smtp://user:pass@smtp.example:587",
        DJANGO_SETTINGS_MODULE="alera.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_webhook_secret():
    env = dict(
        os.environ, SECRET_KEY="y" * 60, STRIPE_SECRET_KEY="sk_live_x", STRIPE_WEBHOOK_SECRET=""
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "STRIPE_WEBHOOK_SECRET" in result.stderr


def test_production_settings_refuse_the_dev_gateway():
    env = dict(os.environ, SECRET_KEY="y" * 60, STRIPE_SECRET_KEY="")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "dev payment gateway" in result.stderr


@pytest.mark.django_db
def test_openapi_schema_is_served(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert b"openapi" in response.content
    assert client.get("/api/docs/").status_code == 200
