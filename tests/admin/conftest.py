"""Admin test set-up: a logged-in superuser and one row of every registered model."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group

from accounts.services import api_key_mint
from customers.models import ReminderLog
from payments.models import (
    GiftCardRedemption,
    PackageCreditEntry,
    Payment,
    PaymentRefund,
    StripeEvent,
)
from tests import factories


@pytest.fixture
def staff_user(db):
    from accounts.models import User

    return User.objects.create_superuser("support@alera.example", "correct-horse-battery")


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


@dataclass
class Rows:
    provider: object
    owner: object
    membership: object
    minted: object
    client: object
    session: object
    payment: object
    enrollment: object
    waitlist_entry: object
    appointment: object
    blackout: object
    package: object
    credit_entry: object
    gift_card: object
    redemption: object
    stripe_event: object
    refund: object
    group: object
    login_attempt: object
    reminder: object


@pytest.fixture
def rows(db) -> Rows:
    """One studio with one of everything, linked the way the services would link them."""
    provider = factories.ProviderFactory(handle="admin-studio", display_name="Admin Studio")
    membership = factories.MembershipFactory(
        provider=provider, user=factories.UserFactory(email="owner@admin-studio.example")
    )
    minted = api_key_mint(provider=provider, name="Partner site", origins=["https://p.example"])
    client = factories.ClientFactory(
        provider=provider, name="Casey Client", email="casey@example.com"
    )
    session = factories.ClassSessionFactory(provider=provider)
    payment = factories.PaymentFactory(
        provider=provider,
        status=Payment.Status.PAID,
        checkout_session_id="cs_test_admin_rows",
        payment_intent_id="pi_admin_rows",
        customer_email=client.email,
    )
    enrollment = factories.EnrollmentFactory(
        class_session=session,
        client=client,
        payment=payment,
        paid_with="card",
        amount_paid_cents=2000,
    )
    waitlist_entry = factories.WaitlistEntryFactory(
        class_session=session, client=factories.ClientFactory(provider=provider)
    )
    appointment = factories.AppointmentFactory(provider=provider, client=client)
    package = factories.ClientPackageFactory(
        package_type=factories.PackageTypeFactory(provider=provider), client=client
    )
    credit_entry = PackageCreditEntry.objects.create(
        package=package, delta=5, reason=PackageCreditEntry.Reason.BOUGHT
    )
    gift_card = factories.GiftCardFactory(
        provider=provider, code="ADMNGIFTCARD2345", balance_cents=7000
    )
    redemption = GiftCardRedemption.objects.create(
        gift_card=gift_card, appointment=appointment, amount_cents=3000, balance_after_cents=7000
    )
    stripe_event = StripeEvent.objects.create(
        event_id="evt_admin_rows",
        type="account.updated",
        account=provider.stripe_account_id,
        payload={"id": "evt_admin_rows", "type": "account.updated", "data": {"object": {}}},
    )
    return Rows(
        provider=provider,
        owner=membership.user,
        membership=membership,
        minted=minted,
        client=client,
        session=session,
        payment=payment,
        enrollment=enrollment,
        waitlist_entry=waitlist_entry,
        appointment=appointment,
        blackout=factories.BlackoutFactory(provider=provider),
        package=package,
        credit_entry=credit_entry,
        gift_card=gift_card,
        redemption=redemption,
        stripe_event=stripe_event,
        refund=PaymentRefund.objects.create(
            provider=provider,
            payment=payment,
            client=client,
            enrollment=enrollment,
            reason=PaymentRefund.Reason.CANCEL,
            status=PaymentRefund.Status.SUCCEEDED,
            amount_cents=500,
            stripe_refund_id="re_admin_rows",
        ),
        group=Group.objects.create(name="Support"),
        login_attempt=_login_records(),
        reminder=ReminderLog.objects.create(enrollment=enrollment),
    )


def _login_records():
    """What django-axes writes for a failed dashboard login (its admin is registered too)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    seen = {
        "user_agent": "Mozilla/5.0",
        "ip_address": "203.0.113.7",
        "username": "owner@admin-studio.example",
        "http_accept": "text/html",
        "path_info": "/dashboard/login/",
    }
    AccessFailureLog.objects.create(**seen, locked_out=False)
    AccessLog.objects.create(**seen)
    return AccessAttempt.objects.create(
        **seen, get_data="", post_data="username=owner@admin-studio.example", failures_since_start=2
    )
