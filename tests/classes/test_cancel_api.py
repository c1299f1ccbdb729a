"""POST /api/enrollments/:id/cancel: the signed self-cancel link, refunds and idempotency."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from alera.tokens import Purpose, token_make
from classes.models import Enrollment
from classes.services.common import cancel_token
from payments.models import Payment, PaymentRefund
from tests import factories

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 5, 14, 22, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def paid_enrollment(provider, *, starts_in: dt.timedelta, **kw):
    session = factories.ClassSessionFactory(
        provider=provider, scheduled_at=NOW + starts_in, price_cents=2000
    )
    payment = factories.PaymentFactory(
        provider=provider,
        status=Payment.Status.PAID,
        payment_intent_id="pi_paid_1",
        paid_at=NOW,
    )
    return factories.EnrollmentFactory(
        class_session=session,
        paid_with=Enrollment.PaidWith.CARD,
        payment=payment,
        amount_paid_cents=2000,
        **kw,
    )


def cancel(anon_api, enrollment, token=None, **body):
    payload = {"cancelToken": cancel_token(enrollment) if token is None else token, **body}
    return anon_api.post(f"/api/enrollments/{enrollment.public_id}/cancel", payload, format="json")


def test_cancel_inside_the_window_refunds_in_full(
    anon_api, provider, fake_stripe, django_capture_on_commit_callbacks
):
    enrollment = paid_enrollment(provider, starts_in=dt.timedelta(hours=30))
    with django_capture_on_commit_callbacks(execute=True):
        response = cancel(anon_api, enrollment, cancelReason="Sick")
    assert response.status_code == 200
    (refund,) = fake_stripe.calls("/v1/refunds")
    assert response.json() == {
        "ok": True,
        "cancelledAt": "2026-05-14T22:10:00.000Z",
        "lateCancel": False,
        "cancelWindowHours": 24,
        "refundedCents": 2000,
        "refundId": Payment.objects.get().refund_id,
    }
    assert refund.params["amount"] == "2000"
    assert refund.params["payment_intent"] == "pi_paid_1"
    assert refund.stripe_account == provider.stripe_account_id
    owed = PaymentRefund.objects.get(enrollment=enrollment)
    assert refund.idempotency_key == f"refund-{owed.public_id}-1"
    assert refund.params["metadata[refund_id]"] == owed.public_id
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.cancel_reason, enrollment.cancelled_by) == (
        Enrollment.Status.CANCELLED,
        "Sick",
        "customer",
    )
    (receipt,) = mail.outbox
    assert "refunded $20.00" in receipt.body


def test_cancel_inside_the_window_boundary_is_exactly_the_window(anon_api, provider, fake_stripe):
    enrollment = paid_enrollment(provider, starts_in=dt.timedelta(hours=24))
    assert cancel(anon_api, enrollment).json()["refundedCents"] == 2000


def test_late_cancel_frees_the_seat_without_refund(
    api, anon_api, provider, fake_stripe, django_capture_on_commit_callbacks
):
    enrollment = paid_enrollment(provider, starts_in=dt.timedelta(hours=23, minutes=59))
    with django_capture_on_commit_callbacks(execute=True):
        body = cancel(anon_api, enrollment).json()
    assert body["lateCancel"] is True
    assert (body["refundedCents"], body["refundId"]) == (0, None)
    assert fake_stripe.calls("/v1/refunds") == []
    detail = api.get(f"/api/classes/{enrollment.class_session.public_id}").json()["class"]
    assert detail["enrolledCount"] == 0
    assert "no refund" in mail.outbox[0].body


def test_the_service_cancel_window_decides(anon_api, provider, fake_stripe):
    enrollment = paid_enrollment(provider, starts_in=dt.timedelta(hours=30))
    service = enrollment.class_session.service
    service.cancel_window_hours = 48
    service.save()
    body = cancel(anon_api, enrollment).json()
    assert (body["lateCancel"], body["cancelWindowHours"], body["refundedCents"]) == (True, 48, 0)


def test_a_second_cancel_returns_the_same_body_and_refunds_once(anon_api, provider, fake_stripe):
    enrollment = paid_enrollment(provider, starts_in=dt.timedelta(days=3))
    first = cancel(anon_api, enrollment).json()
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        second = cancel(anon_api, enrollment).json()
    assert second == first
    assert len(fake_stripe.calls("/v1/refunds")) == 1


def test_stripe_refund_failure_gives_502_and_the_booking_stays(anon_api, provider, fake_stripe):
    enrollment = paid_enrollment(provider, starts_in=dt.timedelta(days=3))
    fake_stripe.fail_next("/v1/refunds", 400, "Charge already disputed")
    response = cancel(anon_api, enrollment)
    assert response.status_code == 502
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CONFIRMED
    assert Payment.objects.get().status == Payment.Status.PAID
    assert cancel(anon_api, enrollment).status_code == 200  # a retry goes through


def test_free_booking_cancels_with_nothing_to_refund(anon_api, provider):
    enrollment = factories.EnrollmentFactory(
        class_session__provider=provider,
        class_session__price_cents=0,
        class_session__scheduled_at=NOW + dt.timedelta(days=2),
    )
    body = cancel(anon_api, enrollment).json()
    assert (body["lateCancel"], body["refundedCents"]) == (False, 0)


@pytest.mark.parametrize("status", [Enrollment.Status.COMPLETED, Enrollment.Status.NO_SHOW])
def test_completed_or_no_show_booking_gives_410(anon_api, provider, status):
    enrollment = paid_enrollment(provider, starts_in=dt.timedelta(days=2), status=status)
    assert cancel(anon_api, enrollment).status_code == 410


def test_missing_token_gives_400(anon_api, provider):
    enrollment = paid_enrollment(provider, starts_in=dt.timedelta(days=2))
    response = anon_api.post(f"/api/enrollments/{enrollment.public_id}/cancel", {}, format="json")
    assert response.status_code == 400
    assert "cancelToken" in response.json()["error"]


def test_reason_over_500_characters_gives_400(anon_api, provider):
    enrollment = paid_enrollment(provider, starts_in=dt.timedelta(days=2))
    assert cancel(anon_api, enrollment, cancelReason="x" * 501).status_code == 400


def test_malformed_or_forged_token_gives_401(anon_api, provider):
    enrollment = paid_enrollment(provider, starts_in=dt.timedelta(days=2))
    assert cancel(anon_api, enrollment, token="garbage").status_code == 401
    forged = cancel_token(enrollment)[:-3] + "abc"
    assert cancel(anon_api, enrollment, token=forged).status_code == 401
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CONFIRMED


def test_a_token_for_another_booking_gives_401(anon_api, provider):
    mine = paid_enrollment(provider, starts_in=dt.timedelta(days=2))
    theirs = paid_enrollment(provider, starts_in=dt.timedelta(days=2))
    assert cancel(anon_api, theirs, token=cancel_token(mine)).status_code == 401
    theirs.refresh_from_db()
    assert theirs.status == Enrollment.Status.CONFIRMED


@pytest.mark.parametrize("purpose", [Purpose.CUSTOMER, Purpose.TIP])
def test_a_token_of_another_purpose_gives_401(anon_api, provider, purpose):
    enrollment = paid_enrollment(provider, starts_in=dt.timedelta(days=2))
    other = token_make(purpose, record_id=enrollment.public_id, provider_id=provider.public_id)
    assert cancel(anon_api, enrollment, token=other).status_code == 401
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CONFIRMED


def test_an_expired_token_gives_401(anon_api, provider):
    enrollment = paid_enrollment(provider, starts_in=dt.timedelta(days=500))
    token = cancel_token(enrollment)
    with time_machine.travel(NOW + dt.timedelta(days=401), tick=False):
        response = cancel(anon_api, enrollment, token=token)
    assert response.status_code == 401
    assert "expired" in response.json()["error"]


def test_a_token_naming_another_studio_finds_no_booking_and_cancels_nothing(anon_api, provider):
    enrollment = paid_enrollment(provider, starts_in=dt.timedelta(days=2))
    other = factories.ProviderFactory()
    token = token_make(Purpose.CANCEL, record_id=enrollment.public_id, provider_id=other.public_id)
    assert cancel(anon_api, enrollment, token=token).status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CONFIRMED


def test_pack_booking_cancelled_inside_the_window_gets_its_credit_back(anon_api, provider):
    package = factories.ClientPackageFactory(provider=provider, sessions_remaining=2)
    enrollment = factories.EnrollmentFactory(
        class_session__provider=provider,
        class_session__scheduled_at=NOW + dt.timedelta(days=2),
        client=package.client,
        paid_with=Enrollment.PaidWith.PACK,
        client_package=package,
    )
    body = cancel(anon_api, enrollment).json()
    assert (body["lateCancel"], body["refundedCents"]) == (False, 0)
    package.refresh_from_db()
    assert package.sessions_remaining == 3
    assert list(package.ledger.values_list("reason", "delta")) == [("returned", 1)]


def test_pack_booking_cancelled_late_keeps_the_credit_spent(anon_api, provider):
    package = factories.ClientPackageFactory(provider=provider, sessions_remaining=2)
    enrollment = factories.EnrollmentFactory(
        class_session__provider=provider,
        class_session__scheduled_at=NOW + dt.timedelta(hours=2),
        client=package.client,
        paid_with=Enrollment.PaidWith.PACK,
        client_package=package,
    )
    assert cancel(anon_api, enrollment).json()["lateCancel"] is True
    package.refresh_from_db()
    assert package.sessions_remaining == 2
    assert not package.ledger.exists()


def test_a_cancel_tells_the_owner_when_someone_is_waiting(
    anon_api, provider, owner, fake_stripe, django_capture_on_commit_callbacks
):
    enrollment = paid_enrollment(provider, starts_in=dt.timedelta(days=2))
    factories.WaitlistEntryFactory(class_session=enrollment.class_session)
    with django_capture_on_commit_callbacks(execute=True):
        cancel(anon_api, enrollment)
    assert [m.to for m in mail.outbox if "seat opened" in m.subject] == [[owner.email]]


@pytest.mark.usefixtures("frozen_minute")
def test_cancel_needs_no_key_and_is_rate_limited_to_10_per_minute(anon_api, provider):
    enrollment = paid_enrollment(provider, starts_in=dt.timedelta(hours=2))
    codes = [cancel(anon_api, enrollment).status_code for _ in range(11)]
    assert codes[:10] == [200] * 10
    assert codes[10] == 429


def test_cancelling_a_held_unpaid_booking_frees_the_seat(anon_api, api, provider):
    session = factories.ClassSessionFactory(
        provider=provider, scheduled_at=NOW + dt.timedelta(days=2)
    )
    enrollment = factories.EnrollmentFactory(
        class_session=session,
        status=Enrollment.Status.PENDING_PAYMENT,
        hold_expires_at=timezone.now() + dt.timedelta(minutes=20),
        payment=factories.PaymentFactory(provider=provider),
    )
    body = cancel(anon_api, enrollment).json()
    assert body["refundedCents"] == 0
    assert api.get(f"/api/classes/{session.public_id}").json()["class"]["seatsLeft"] == (
        session.capacity
    )
