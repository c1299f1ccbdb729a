"""Booking with a class-pack credit: `useClientPackageId` + `customerToken`."""

import datetime as dt

import pytest
from django.utils import timezone

from alera.tokens import Purpose, token_make
from classes.models import Enrollment
from customers.services import client_sign_out
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def package(provider):
    return factories.ClientPackageFactory(
        provider=provider, sessions_remaining=2, client__email="jane@example.com"
    )


def customer_token(package, provider_id=None, purpose=Purpose.CUSTOMER):
    return token_make(
        purpose,
        record_id=package.client.public_id,
        provider_id=provider_id or package.provider.public_id,
    )


def test_pack_booking_is_confirmed_at_once_and_uses_one_credit(
    book, paid_class, package, fake_stripe
):
    response = book(
        paid_class, useClientPackageId=package.public_id, customerToken=customer_token(package)
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["checkoutUrl"], body["checkoutSessionId"]) == (None, None)
    enrollment = Enrollment.objects.get(public_id=body["enrollmentId"])
    assert (enrollment.status, enrollment.paid_with, enrollment.client_package) == (
        Enrollment.Status.CONFIRMED,
        Enrollment.PaidWith.PACK,
        package,
    )
    package.refresh_from_db()
    assert package.sessions_remaining == 1
    assert list(package.ledger.values_list("reason", "delta", "enrollment")) == [
        ("used", -1, enrollment.pk)
    ]
    assert fake_stripe.requests == []


def test_pack_with_no_credits_left_gives_409(book, paid_class, package):
    package.sessions_remaining = 0
    package.save()
    response = book(
        paid_class, useClientPackageId=package.public_id, customerToken=customer_token(package)
    )
    assert response.status_code == 409
    assert not Enrollment.objects.exists()


def test_expired_pack_gives_409(book, paid_class, package):
    package.expires_at = timezone.now() - dt.timedelta(days=1)
    package.save()
    response = book(
        paid_class, useClientPackageId=package.public_id, customerToken=customer_token(package)
    )
    assert response.status_code == 409
    package.refresh_from_db()
    assert package.sessions_remaining == 2


@pytest.mark.parametrize("token", [None, "", "not-a-token"])
def test_missing_or_bad_customer_token_gives_401(book, paid_class, package, token):
    body = {"useClientPackageId": package.public_id}
    if token is not None:
        body["customerToken"] = token
    assert book(paid_class, **body).status_code == 401


def test_a_cancel_token_is_not_a_customer_token(book, paid_class, package):
    wrong = customer_token(package, purpose=Purpose.CANCEL)
    response = book(paid_class, useClientPackageId=package.public_id, customerToken=wrong)
    assert response.status_code == 401


def test_customer_token_of_another_studio_gives_403(book, paid_class, package):
    other = factories.ProviderFactory()
    token = customer_token(package, provider_id=other.public_id)
    response = book(paid_class, useClientPackageId=package.public_id, customerToken=token)
    assert response.status_code == 403


def test_someone_elses_pack_or_an_unknown_pack_gives_404(book, paid_class, package, provider):
    stranger = factories.ClientPackageFactory(provider=provider)
    token = customer_token(package)
    assert (
        book(paid_class, useClientPackageId=stranger.public_id, customerToken=token).status_code
        == 404
    )
    assert book(paid_class, useClientPackageId="pkg-unknown", customerToken=token).status_code == (
        404
    )
    stranger.refresh_from_db()
    assert stranger.sessions_remaining == stranger.sessions_total


def test_pack_booking_on_a_full_class_gives_409_and_keeps_the_credit(book, paid_class, package):
    for _ in range(paid_class.capacity):
        factories.EnrollmentFactory(class_session=paid_class)
    response = book(
        paid_class, useClientPackageId=package.public_id, customerToken=customer_token(package)
    )
    assert response.status_code == 409
    assert response.json()["waitlistAvailable"] is True
    package.refresh_from_db()
    assert package.sessions_remaining == 2


def test_a_customer_token_from_before_sign_out_gives_401_and_keeps_the_credit(
    book, paid_class, package
):
    token = customer_token(package)
    client_sign_out(client=package.client)

    response = book(paid_class, useClientPackageId=package.public_id, customerToken=token)

    assert response.status_code == 401
    assert response.json()["signedOut"] is True
    assert not Enrollment.objects.exists()
    package.refresh_from_db()
    assert package.sessions_remaining == 2
