"""GET /api/customer/me: the signed-in customer's summary, exactly as the contract shows."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from alera.tokens import Purpose, token_make, token_read
from classes.models import Enrollment
from customers.services import customer_token_make
from tests import factories

pytestmark = pytest.mark.django_db
URL = "/api/customer/me"


def test_me_returns_client_studio_feed_enrollments_and_packages(api, customer, customer_token):
    provider = customer.provider
    soon = factories.ClassSessionFactory(
        provider=provider, scheduled_at=timezone.now() + dt.timedelta(days=1), service__name="Yoga"
    )
    later = factories.ClassSessionFactory(
        provider=provider, scheduled_at=timezone.now() + dt.timedelta(days=5)
    )
    past = factories.ClassSessionFactory(
        provider=provider, scheduled_at=timezone.now() - dt.timedelta(days=2)
    )
    e_later = factories.EnrollmentFactory(class_session=later, client=customer)
    e_soon = factories.EnrollmentFactory(class_session=soon, client=customer)
    e_past = factories.EnrollmentFactory(
        class_session=past, client=customer, status=Enrollment.Status.COMPLETED
    )
    pack = factories.ClientPackageFactory(
        package_type__provider=provider, client=customer, sessions_remaining=4, sessions_total=6
    )

    response = api.get(URL, HTTP_X_CUSTOMER_TOKEN=customer_token)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"client", "studio", "calendarFeedUrl", "enrollments", "packages"}
    assert body["client"] == {
        "id": customer.public_id,
        "name": "Jane Doe",
        "email": "jane@example.com",
    }
    assert body["studio"] == {
        "handle": "sculpt-co",
        "displayName": "Sculpt Co",
        "timezone": "America/Chicago",
        "avatarUrl": None,
    }
    assert body["calendarFeedUrl"] == f"http://testserver/api/cal/{customer.calendar_secret}.ics"
    assert [e["id"] for e in body["enrollments"]] == [
        e_soon.public_id,
        e_later.public_id,
        e_past.public_id,
    ]
    first = body["enrollments"][0]
    assert set(first) == {"id", "status", "bookedAt", "cancelToken", "class"}
    assert first["status"] == "Confirmed"
    assert first["bookedAt"].endswith("Z")
    assert first["class"] == {
        "id": soon.public_id,
        "name": "Yoga",
        "scheduledAt": soon.scheduled_at.astimezone(dt.UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
        "durationMin": 50,
    }
    cancel = token_read(Purpose.CANCEL, first["cancelToken"])
    assert cancel.record_id == e_soon.public_id
    assert cancel.provider_id == customer.provider.public_id
    assert body["packages"] == [
        {
            "id": pack.public_id,
            "packageTypeName": "5-Class Pack",
            "sessionsRemaining": 4,
            "sessionsTotal": 6,
            "expiresAt": pack.expires_at.astimezone(dt.UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }
    ]


def test_token_in_the_query_string_works_too(api, customer, customer_token):
    response = api.get(URL, {"token": customer_token})
    assert response.status_code == 200
    assert response.json()["client"]["id"] == customer.public_id


def test_cancelled_expired_and_empty_packs_and_other_clients_bookings_are_left_out(
    api, customer, customer_token, booking
):
    provider = customer.provider
    factories.EnrollmentFactory(
        class_session=booking.class_session,
        client=factories.ClientFactory(provider=provider),
    )
    factories.EnrollmentFactory(
        client=customer, class_session__provider=provider, status=Enrollment.Status.CANCELLED
    )
    factories.EnrollmentFactory(
        client=customer,
        class_session__provider=provider,
        status=Enrollment.Status.PENDING_PAYMENT,
        hold_expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    factories.ClientPackageFactory(
        package_type__provider=provider, client=customer, sessions_remaining=0
    )
    factories.ClientPackageFactory(
        package_type__provider=provider,
        client=customer,
        expires_at=timezone.now() - dt.timedelta(days=1),
    )
    body = api.get(URL, HTTP_X_CUSTOMER_TOKEN=customer_token).json()
    assert [e["id"] for e in body["enrollments"]] == [booking.public_id]
    assert body["packages"] == []


def test_query_count_does_not_grow_with_bookings_and_packs(
    api, customer, customer_token, django_assert_max_num_queries
):
    provider = customer.provider

    def add_rows():
        for days in (1, 2, -3):
            factories.EnrollmentFactory(
                client=customer,
                class_session__provider=provider,
                class_session__scheduled_at=timezone.now() + dt.timedelta(days=days),
            )
        factories.ClientPackageFactory(package_type__provider=provider, client=customer)

    add_rows()
    with django_assert_max_num_queries(7) as few:
        assert api.get(URL, HTTP_X_CUSTOMER_TOKEN=customer_token).status_code == 200
    for _ in range(3):
        add_rows()
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = api.get(URL, HTTP_X_CUSTOMER_TOKEN=customer_token).json()
    assert len(body["enrollments"]) == 12
    assert len(body["packages"]) == 4


def test_missing_token_gives_401(api):
    response = api.get(URL)
    assert response.status_code == 401
    assert "token" in response.json()["error"]


@pytest.mark.parametrize("token", ["garbage", "a:b:c", "x" * 2000])
def test_malformed_token_gives_401(api, token):
    assert api.get(URL, HTTP_X_CUSTOMER_TOKEN=token).status_code == 401


def test_expired_token_gives_401(api, customer):
    with time_machine.travel(timezone.now() - dt.timedelta(days=31), tick=False):
        token = customer_token_make(client=customer)
    response = api.get(URL, HTTP_X_CUSTOMER_TOKEN=token)
    assert response.status_code == 401
    assert "expired" in response.json()["error"]


@pytest.mark.parametrize("purpose", [Purpose.CANCEL, Purpose.TIP])
def test_a_cancel_or_tip_token_is_not_a_customer_token(api, customer, booking, purpose):
    token = token_make(
        purpose, record_id=customer.public_id, provider_id=customer.provider.public_id
    )
    assert api.get(URL, HTTP_X_CUSTOMER_TOKEN=token).status_code == 401
    assert api.get(URL, {"token": token}).status_code == 401


def test_token_of_another_studios_customer_gives_403(api, other_provider):
    stranger = factories.ClientFactory(provider=other_provider)
    response = api.get(URL, HTTP_X_CUSTOMER_TOKEN=customer_token_make(client=stranger))
    assert response.status_code == 403


def test_token_of_a_deleted_client_gives_404(api, customer, customer_token):
    customer.delete()
    response = api.get(URL, HTTP_X_CUSTOMER_TOKEN=customer_token)
    assert response.status_code == 404


def test_missing_tenant_key_gives_401_even_with_a_good_token(anon_api, customer_token):
    from tests.conftest import DEMO_ORIGIN

    response = anon_api.get(URL, HTTP_X_CUSTOMER_TOKEN=customer_token, HTTP_ORIGIN=DEMO_ORIGIN)
    assert response.status_code == 401


@time_machine.travel(dt.datetime(2026, 5, 18, 12, 0, 5, tzinfo=dt.UTC), tick=False)
def test_thirty_first_request_in_a_minute_gives_429(api, customer_token):
    codes = [api.get(URL, HTTP_X_CUSTOMER_TOKEN=customer_token).status_code for _ in range(31)]
    assert codes == [200] * 30 + [429]


def test_openapi_schema_documents_both_customer_endpoints(anon_api):
    schema = anon_api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/customer/signin-link" in schema
    assert "/api/customer/me" in schema
    assert "calendarFeedUrl" in schema
