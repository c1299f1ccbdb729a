"""The Activity page and the class and customer histories: scoped, filtered, paged, cheap."""

import pytest

from accounts.services import provider_settings_update
from alera.events import Actor, acting_as
from classes.services.cancellation import enrollment_cancel
from classes.services.roster import enrollment_check_in
from tests import factories
from tests.dashboard.conftest import build_studio, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def studio():
    return build_studio("sculpt-co", "owner@sculpt.example")


@pytest.fixture
def other_studio():
    return build_studio("other-co", "owner@other.example")


@pytest.fixture
def owner_client(studio):
    return logged_in(studio.owner)


def _changes(studio, n: int) -> None:
    """`n` check-ins on the studio's class, by its owner."""
    with acting_as(Actor.user(studio.owner)):
        for _ in range(n):
            enrollment = factories.EnrollmentFactory(class_session=studio.session)
            enrollment_check_in(enrollment=enrollment)


def test_activity_lists_the_studios_events_with_who_did_them(studio, other_studio, owner_client):
    _changes(studio, 1)
    with acting_as(Actor.user(other_studio.owner)):
        provider_settings_update(provider=other_studio.provider, display_name="Secret Rename")
    page = owner_client.get("/dashboard/activity/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Checked in" in text
    assert "owner@sculpt.example" in text
    assert "Secret Rename" not in text
    assert "display_name" not in text


def test_activity_filters_by_kind_class_and_customer(studio, owner_client):
    _changes(studio, 1)
    other_class = factories.ClassSessionFactory(provider=studio.provider)
    with acting_as(Actor.user(studio.owner)):
        enrollment_cancel(
            enrollment=factories.EnrollmentFactory(class_session=other_class), by="owner"
        )
    by_kind = owner_client.get("/dashboard/activity/?kind=booking.cancelled").content.decode()
    assert "Booking cancelled" in by_kind
    assert "Checked in</td>" not in by_kind
    by_class = owner_client.get(f"/dashboard/activity/?class={studio.session.public_id}")
    assert "Checked in</td>" in by_class.content.decode()
    assert "Booking cancelled</td>" not in by_class.content.decode()
    client = studio.session.enrollments.exclude(pk=studio.enrollment.pk).first().client
    by_customer = owner_client.get(f"/dashboard/activity/?customer={client.public_id}")
    assert by_customer.content.decode().count("Checked in</td>") == 1


def test_another_studios_class_or_customer_in_the_filter_is_a_404(
    studio, other_studio, owner_client
):
    assert (
        owner_client.get(f"/dashboard/activity/?class={other_studio.session.public_id}").status_code
        == 404
    )
    assert (
        owner_client.get(
            f"/dashboard/activity/?customer={other_studio.client.public_id}"
        ).status_code
        == 404
    )


def test_activity_pages_through_every_event_with_constant_queries(
    studio, owner_client, django_assert_max_num_queries
):
    _changes(studio, 3)
    with django_assert_max_num_queries(12) as few:
        assert owner_client.get("/dashboard/activity/").status_code == 200
    _changes(studio, 60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = owner_client.get("/dashboard/activity/?page=2")
    assert page.status_code == 200
    assert "Page 2 of" in page.content.decode()


def test_the_class_and_customer_pages_show_their_history(studio, other_studio, owner_client):
    _changes(studio, 1)
    roster = owner_client.get(f"/dashboard/sessions/{studio.session.public_id}/")
    assert 'id="history"' in roster.content.decode()
    assert "Checked in</td>" in roster.content.decode()
    checked = studio.session.enrollments.exclude(pk=studio.enrollment.pk).first().client
    customer = owner_client.get(f"/dashboard/customers/{checked.public_id}/")
    assert "Checked in</td>" in customer.content.decode()
    assert (
        owner_client.get(f"/dashboard/sessions/{other_studio.session.public_id}/").status_code
        == 404
    )
    assert (
        owner_client.get(f"/dashboard/customers/{other_studio.client.public_id}/").status_code
        == 404
    )


def test_history_costs_the_same_for_one_event_or_many(
    studio, owner_client, django_assert_max_num_queries
):
    _changes(studio, 1)
    url = f"/dashboard/sessions/{studio.session.public_id}/"
    with django_assert_max_num_queries(40) as few:
        owner_client.get(url)
    _changes(studio, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert owner_client.get(url).status_code == 200


def test_staff_admin_shows_events_read_only_and_searchable(studio, admin_client):
    _changes(studio, 1)
    listing = admin_client.get("/admin/alera/event/?q=booking.checked_in")
    assert listing.status_code == 200
    assert "booking.checked_in" in listing.content.decode()
    assert admin_client.get("/admin/alera/event/add/").status_code == 403
