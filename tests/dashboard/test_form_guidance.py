"""The schedule forms guide a new owner: named empty choices, a service first, defaults
explained, the days in a row, and one call to action on an empty week."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine

from accounts.models import Membership
from classes.models import ClassSession, Service
from tests import factories
from tests.dashboard.conftest import logged_in

pytestmark = pytest.mark.django_db

FORMS = [
    "/dashboard/schedule/new/",
    "/dashboard/schedule/series/new/",
    "/dashboard/appointments/new/",
]


@pytest.fixture
def new_owner(db):
    """An owner whose studio has nothing yet (no service, no class)."""
    provider = factories.ProviderFactory(handle="brand-new")
    owner = factories.UserFactory(email="new@brand.example")
    factories.MembershipFactory(user=owner, provider=provider, role=Membership.Role.OWNER)
    return logged_in(owner)


@pytest.mark.parametrize("url", FORMS)
def test_pickers_name_their_empty_choice_instead_of_dashes(owner_client, studio, url):
    page = owner_client.get(url).text
    assert "---------" not in page
    assert '<option value="" selected>Choose a service</option>' in page
    assert '<option value="" selected>No instructor</option>' in page


@pytest.mark.parametrize("url", FORMS)
def test_without_a_service_the_form_says_to_create_one_and_links_there(new_owner, url):
    page = new_owner.get(url).text
    assert 'data-testid="missing-service"' in page
    assert 'href="/dashboard/services/new/">Create a service first</a>' in page


def test_with_a_service_there_is_no_create_a_service_hint(owner_client, studio):
    page = owner_client.get("/dashboard/schedule/new/").text
    assert 'data-testid="missing-service"' not in page


def test_duration_and_capacity_say_they_default_to_the_service(owner_client, studio):
    session = owner_client.get("/dashboard/schedule/new/").text
    series = owner_client.get("/dashboard/schedule/series/new/").text
    visit = owner_client.get("/dashboard/appointments/new/").text
    assert "Empty: the service&#x27;s duration." in session
    assert "Empty: the service&#x27;s default capacity." in session
    assert "Empty: the service&#x27;s default capacity." in series
    assert "Empty: the service&#x27;s duration." in visit


def test_an_empty_session_field_takes_the_service_value(owner_client, studio):
    with time_machine.travel(dt.datetime(2026, 2, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        owner_client.post(
            "/dashboard/schedule/new/",
            {
                "service": studio.service.public_id,
                "scheduled_at": "2026-03-02T09:00",
                "duration_min": "",
                "capacity": "",
                "price": "",
            },
        )
    created = ClassSession.objects.exclude(pk=studio.session.pk).get(service=studio.service)
    assert (created.duration_min, created.capacity) == (
        studio.service.duration_min,
        studio.service.default_capacity,
    )


def test_editing_a_session_shows_no_default_hint(owner_client, studio):
    page = owner_client.get(f"/dashboard/sessions/{studio.session.public_id}/edit/").text
    assert "Empty: the service" not in page


def test_the_series_day_picker_is_one_row_of_days(owner_client, studio):
    page = owner_client.get("/dashboard/schedule/series/new/").text
    assert '<div id="id_weekdays" class="day-picker">' in page
    css = Path(__file__).parents[2] / "static/css/alera.css"
    assert "div.day-picker { display: flex;" in css.read_text()


@time_machine.travel(dt.datetime(2026, 2, 20, 12, 0, tzinfo=dt.UTC), tick=False)
def test_an_empty_week_shows_one_call_to_action_not_seven_empty_days(owner_client, studio):
    page = owner_client.get("/dashboard/schedule/?week=2026-06-01").text
    assert page.count('data-testid="empty-week"') == 1
    assert "No classes." not in page
    assert 'href="/dashboard/schedule/series/new/">Start a weekly series</a>' in page


def test_a_studio_without_services_is_pointed_at_its_first_service(new_owner):
    page = new_owner.get("/dashboard/schedule/").text
    assert 'href="/dashboard/services/new/">Create your first service</a>' in page


def test_a_week_with_classes_still_shows_its_days(owner_client, studio):
    monday = studio.session.scheduled_at.astimezone(studio.provider.tz).date()
    page = owner_client.get(f"/dashboard/schedule/?week={monday.isoformat()}").text
    assert 'data-testid="empty-week"' not in page
    assert studio.session.name_snapshot in page
    assert Service.objects.filter(provider=studio.provider).exists()
