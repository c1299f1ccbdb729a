"""The studio cancels a class (`session_cancel`): refunds, credits back, every customer told."""

import pytest
from django.core import mail

from classes.models import ClassSession, Enrollment, WaitlistEntry
from classes.services.cancellation import session_cancel
from payments.models import Payment
from tests import factories

pytestmark = pytest.mark.django_db


def test_cancelling_a_class_refunds_cards_returns_credits_and_emails_everyone(
    paid_class, provider, owner, fake_stripe, django_capture_on_commit_callbacks
):
    card = factories.EnrollmentFactory(
        class_session=paid_class,
        paid_with=Enrollment.PaidWith.CARD,
        amount_paid_cents=2000,
        payment=factories.PaymentFactory(
            provider=provider, status=Payment.Status.PAID, payment_intent_id="pi_1"
        ),
    )
    package = factories.ClientPackageFactory(provider=provider, sessions_remaining=1)
    pack = factories.EnrollmentFactory(
        class_session=paid_class,
        client=package.client,
        paid_with=Enrollment.PaidWith.PACK,
        client_package=package,
    )
    waiting = factories.WaitlistEntryFactory(class_session=paid_class)
    with django_capture_on_commit_callbacks(execute=True):
        result = session_cancel(session=paid_class, by_user=owner)
    assert (result.cancelled, result.failed) == (2, [])
    paid_class.refresh_from_db()
    card.refresh_from_db()
    pack.refresh_from_db()
    package.refresh_from_db()
    waiting.refresh_from_db()
    assert paid_class.status == ClassSession.Status.CANCELLED
    assert (card.status, card.refunded_cents) == (Enrollment.Status.CANCELLED, 2000)
    assert pack.status == Enrollment.Status.CANCELLED
    assert package.sessions_remaining == 2
    assert waiting.cancelled_at is not None
    assert len(fake_stripe.calls("/v1/refunds")) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([card.client.email, pack.client.email])
    assert all("cancel" in m.subject for m in mail.outbox)


def test_a_failed_refund_is_reported_and_retried_by_calling_again(
    paid_class, provider, fake_stripe
):
    card = factories.EnrollmentFactory(
        class_session=paid_class,
        paid_with=Enrollment.PaidWith.CARD,
        amount_paid_cents=2000,
        payment=factories.PaymentFactory(
            provider=provider, status=Payment.Status.PAID, payment_intent_id="pi_1"
        ),
    )
    fake_stripe.fail_next("/v1/refunds", 400, "nope")
    assert session_cancel(session=paid_class).failed == [card.public_id]
    card.refresh_from_db()
    assert card.status == Enrollment.Status.CONFIRMED
    assert session_cancel(session=paid_class).cancelled == 1
    card.refresh_from_db()
    assert card.status == Enrollment.Status.CANCELLED
    assert not WaitlistEntry.objects.exists()
