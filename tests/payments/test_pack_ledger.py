"""Pack credits move only with a ledger row: owner adjustments and the expiry sweep."""

import datetime as dt

import pytest
import time_machine
from django.db.models import Sum
from django.utils import timezone

from alera.api.errors import status_for
from alera.errors import DomainError
from payments.errors import NotEnoughCredits
from payments.models import ClientPackage, PackageCreditEntry
from payments.services.packs import package_adjust, package_expire_due
from payments.tasks import expire_packages
from tests import factories

pytestmark = pytest.mark.django_db


def bought(**kw) -> ClientPackage:
    package = factories.ClientPackageFactory(**kw)
    PackageCreditEntry.objects.create(
        package=package, delta=package.sessions_remaining, reason="bought"
    )
    return package


def ledger_sum(package) -> int:
    return package.ledger.aggregate(total=Sum("delta"))["total"] or 0


def test_owner_adds_a_goodwill_credit_with_a_ledger_row():
    package = bought()
    package_adjust(package=package, delta=1, note="Sorry about the broken heater")
    package.refresh_from_db()
    assert (package.sessions_remaining, package.sessions_total) == (6, 6)
    entry = package.ledger.last()
    assert (entry.reason, entry.delta, entry.note) == (
        "adjusted",
        1,
        "Sorry about the broken heater",
    )
    assert ledger_sum(package) == package.sessions_remaining


def test_owner_removes_credits_down_to_zero_but_not_below():
    package = bought()
    package_adjust(package=package, delta=-5, note="Refunded outside Alera")
    with pytest.raises(NotEnoughCredits):
        package_adjust(package=package, delta=-1, note="One more")
    package.refresh_from_db()
    assert package.sessions_remaining == 0
    assert package.sessions_total == 5
    assert package.ledger.count() == 2
    assert ledger_sum(package) == 0


@pytest.mark.parametrize(("delta", "note"), [(0, "nothing"), (2, "  ")])
def test_adjustment_needs_a_nonzero_delta_and_a_reason(delta, note):
    package = bought()
    with pytest.raises(DomainError) as exc:
        package_adjust(package=package, delta=delta, note=note)
    assert status_for(exc.value) == 400
    assert package.ledger.count() == 1


def test_expiry_sweep_zeroes_only_packs_past_their_date_with_an_expired_row():
    now = timezone.now()
    stale = bought(expires_at=now - dt.timedelta(minutes=1))
    fresh = bought(expires_at=now + dt.timedelta(days=1))
    empty = factories.ClientPackageFactory(
        expires_at=now - dt.timedelta(days=1), sessions_remaining=0
    )
    assert package_expire_due(now=now) == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.sessions_remaining == 0
    assert [(e.reason, e.delta) for e in stale.ledger.all()] == [("bought", 5), ("expired", -5)]
    assert fresh.sessions_remaining == 5
    assert not empty.ledger.exists()
    assert package_expire_due(now=now) == 0
    assert stale.ledger.count() == 2


def test_expiry_beat_task_runs_the_sweep():
    package = bought()
    with time_machine.travel(package.expires_at + dt.timedelta(hours=1)):
        assert expire_packages.delay().get() == 1
    package.refresh_from_db()
    assert package.sessions_remaining == 0


def test_sessions_remaining_always_equals_the_ledger_sum():
    package = bought()
    package_adjust(package=package, delta=3, note="Bonus")
    package_adjust(package=package, delta=-2, note="Correction")
    ClientPackage.objects.filter(pk=package.pk).update(expires_at=timezone.now())
    package_expire_due()
    package.refresh_from_db()
    assert package.sessions_remaining == ledger_sum(package) == 0
    assert [e.reason for e in package.ledger.all()] == ["bought", "adjusted", "adjusted", "expired"]
