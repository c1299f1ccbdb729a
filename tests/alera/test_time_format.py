"""One way to write times: "Tue 8 Dec, 6:00 PM CST" in the studio's zone, everywhere."""

import datetime as dt

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone

import classes.emails  # noqa: F401  (registers booking_confirmed)
from alera.timefmt import format_date, format_time, format_when
from customers.emails import email_render
from customers.services import customer_token_make
from tests import factories
from tests.dashboard.conftest import logged_in

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
CLASS_AT = dt.datetime(2026, 12, 9, 0, 0, tzinfo=dt.UTC)  # Tue 8 Dec, 6:00 PM in Chicago


@time_machine.travel(NOW, tick=False)
def test_a_moment_reads_as_day_date_twelve_hour_time_and_zone():
    assert format_when(CLASS_AT, "America/Chicago") == "Tue 8 Dec, 6:00 PM CST"
    assert format_time(CLASS_AT, "America/Chicago") == "6:00 PM CST"
    assert format_date(CLASS_AT, "America/Chicago") == "Tue 8 Dec 2026"


@time_machine.travel(NOW, tick=False)
def test_the_year_appears_only_when_it_is_not_this_year():
    next_year = dt.datetime(2027, 7, 1, 14, 0, tzinfo=dt.UTC)
    assert format_when(next_year, "America/Chicago") == "Thu 1 Jul 2027, 9:00 AM CDT"


@time_machine.travel(NOW, tick=False)
def test_midnight_and_noon_are_twelve_not_zero():
    midnight = dt.datetime(2026, 12, 8, 6, 0, tzinfo=dt.UTC)
    assert format_time(midnight, "America/Chicago") == "12:00 AM CST"
    assert format_time(midnight + dt.timedelta(hours=12), "America/Chicago") == "12:00 PM CST"


@time_machine.travel(NOW, tick=False)
def test_the_template_filter_uses_the_active_zone_like_the_function():
    template = Template("{% load alera_tags %}{{ at|when }} / {{ at|when:'Europe/Berlin' }}")
    with timezone.override("America/Chicago"):
        text = template.render(Context({"at": CLASS_AT}))
    assert text == "Tue 8 Dec, 6:00 PM CST / Wed 9 Dec, 1:00 AM CET"


def test_no_value_is_an_empty_string():
    assert format_when(None) == format_time(None) == format_date(None) == ""


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_dev_checkout_shows_the_studio_time_not_utc(client, settings):
    settings.PAYMENT_GATEWAY = "dev"
    factories.PaymentFactory(
        checkout_session_id="cs_dev_time",
        expires_at=CLASS_AT,
        provider=factories.ProviderFactory(timezone="America/Chicago"),
    )
    page = client.get("/dev/checkout/cs_dev_time").content.decode()
    assert "payable until Tue 8 Dec, 6:00 PM CST" in page
    assert "UTC" not in page


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_portal_the_dashboard_and_the_email_write_one_class_time_the_same_way(client):
    provider = factories.ProviderFactory(timezone="America/Chicago")
    owner = factories.MembershipFactory(provider=provider).user
    seat = factories.EnrollmentFactory(
        class_session__provider=provider, class_session__scheduled_at=CLASS_AT
    )
    shown = "Tue 8 Dec, 6:00 PM CST"

    portal = client.get(f"/me/{customer_token_make(client=seat.client)}").text
    roster = logged_in(owner).get(f"/dashboard/sessions/{seat.class_session.public_id}/").text
    email = email_render("booking_confirmed", {"enrollment_id": seat.pk})

    assert shown in portal
    assert shown in roster
    assert shown in email.body
    assert shown in email.alternatives[0][0]
