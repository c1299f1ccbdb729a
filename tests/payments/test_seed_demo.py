"""The demo seed has what the README's packs and gift cards walk-through needs."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from classes.models import Appointment, Blackout, ClassSession
from payments.models import PackageType

pytestmark = pytest.mark.django_db


def test_seed_has_a_pack_for_sale_and_a_completed_tippable_visit_once(
    capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
        call_command("seed_demo")
    visit = Appointment.objects.get(provider__handle="demo-studio")
    assert visit.status == Appointment.Status.COMPLETED
    assert visit.service.tips_enabled
    pack = PackageType.objects.get(provider__handle="demo-studio", active=True)
    out = capsys.readouterr().out
    assert visit.public_id in out
    assert pack.public_id in out
    assert len(mail.outbox) == 1
    assert "/me/tip/" in mail.outbox[0].body


def test_seed_gives_the_demo_studio_one_avatar_however_often_it_runs():
    from accounts.models import Provider, ProviderAvatar

    call_command("seed_demo")
    call_command("seed_demo")
    provider = Provider.objects.get(handle="demo-studio")
    assert provider.avatar_key.endswith(".png")
    assert ProviderAvatar.objects.filter(provider=provider).count() == 1


def test_seed_schedules_four_weeks_of_classes_except_the_closed_day():
    call_command("seed_demo")
    provider = Blackout.objects.get(provider__handle="demo-studio").provider
    days = {
        timezone.localdate(s.scheduled_at, timezone=provider.tz)
        for s in ClassSession.objects.filter(provider=provider)
    }
    today = timezone.localdate(timezone=provider.tz)
    closed = Blackout.objects.get(provider=provider).starts_at
    assert max(days) == today + dt.timedelta(days=28)
    assert len(days) == 27
    assert timezone.localdate(closed, timezone=provider.tz) not in days
