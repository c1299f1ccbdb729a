"""The gift-card ledger under pressure: random operation replays and real concurrency."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alera.api.errors import status_for
from alera.errors import DomainError
from payments.models import GiftCardRedemption
from payments.services.gift_cards import gift_card_preview, gift_card_redeem
from tests import factories
from tests.payments.conftest import requires_postgresql

operations = st.lists(
    st.tuples(
        st.sampled_from(["preview", "commit"]),
        st.integers(min_value=0, max_value=3),  # which appointment
        st.integers(min_value=1, max_value=6000),  # requested cents
    ),
    max_size=25,
)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(initial=st.integers(min_value=1000, max_value=20000), ops=operations)
def test_balance_is_initial_minus_the_ledger_after_any_sequence(initial, ops):
    provider = factories.ProviderFactory()
    card = factories.GiftCardFactory(provider=provider, initial_cents=initial)
    visits = [factories.AppointmentFactory(provider=provider) for _ in range(4)]
    expected_balance, debits = initial, {}
    for mode, visit, requested in ops:
        call = _operation(provider, card.code, mode, requested, visits[visit])
        if expected_balance == 0 and (mode == "preview" or visit not in debits):
            with pytest.raises(DomainError) as refused:
                call()
            assert status_for(refused.value) == 400
            continue
        result = call()
        if mode == "preview":
            assert result.debit_cents == min(requested, expected_balance)
            continue
        if visit in debits:
            assert result.already_redeemed
            assert result.debit_cents == debits[visit]
        else:
            assert not result.already_redeemed
            debits[visit] = min(requested, expected_balance)
            expected_balance -= debits[visit]
            assert result.debit_cents == debits[visit]
        assert result.balance_remaining_cents >= 0
    card.refresh_from_db()
    ledger = card.redemptions.aggregate(total=Sum("amount_cents"))["total"] or 0
    assert card.balance_cents == initial - ledger == expected_balance
    assert ledger == sum(debits.values())


def _operation(provider, code, mode, requested, visit):
    if mode == "preview":
        return lambda: gift_card_preview(
            provider=provider, code=code.lower(), requested_cents=requested
        )
    return lambda: gift_card_redeem(
        provider=provider, code=code, requested_cents=requested, appointment=visit
    )


def _run_in_threads(count: int, work) -> list:
    """Run `work(i)` in `count` threads released together; returns results or exceptions."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def runner(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as exc:  # collected and asserted by the test
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.concurrency
@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_commits_never_overdraw_the_card():
    provider = factories.ProviderFactory()
    card = factories.GiftCardFactory(
        provider=provider, code="CONC2345EFGH6789", initial_cents=10000
    )
    visits = [factories.AppointmentFactory(provider=provider) for _ in range(8)]

    def commit(i: int):
        return gift_card_redeem(
            provider=provider, code=card.code, requested_cents=3000, appointment=visits[i]
        )

    results = _run_in_threads(8, commit)
    debits = sorted(r.debit_cents for r in results if not isinstance(r, Exception))
    refused = [r for r in results if isinstance(r, Exception)]
    assert debits == [1000, 3000, 3000, 3000]
    assert all(isinstance(r, DomainError) and status_for(r) == 400 for r in refused)
    assert len(refused) == 4
    card.refresh_from_db()
    assert card.balance_cents == 0
    assert sum(GiftCardRedemption.objects.values_list("amount_cents", flat=True)) == 10000


@pytest.mark.concurrency
@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_for_one_appointment_debit_once():
    provider = factories.ProviderFactory()
    card = factories.GiftCardFactory(
        provider=provider, code="SAME2345EFGH6789", initial_cents=10000
    )
    visit = factories.AppointmentFactory(provider=provider)

    def commit(i: int):
        return gift_card_redeem(
            provider=provider, code=card.code, requested_cents=2500, appointment=visit
        )

    results = _run_in_threads(6, commit)
    assert not [r for r in results if isinstance(r, Exception)]
    assert {r.debit_cents for r in results} == {2500}
    assert sum(r.already_redeemed for r in results) == 5
    card.refresh_from_db()
    assert card.balance_cents == 7500
    assert GiftCardRedemption.objects.count() == 1
