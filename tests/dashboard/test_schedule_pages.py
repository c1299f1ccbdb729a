"""Services, instructors, the schedule, sessions, series and blackouts through the pages."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail

from classes.models import Blackout, ClassSession, Enrollment, Instructor, Service
from payments.models import PaymentRefund
from tests import factories
from tests.dashboard.helpers import paid_enrollment

pytestmark = pytest.mark.django_db
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def _service_form(**kw) -> dict:
    return {
        "name": "Mat Pilates",
        "description": "",
        "duration_min": "50",
        "price": "20.00",
        "default_capacity": "8",
        "cancel_window_hours": "24",
        **kw,
    }


@time_machine.travel(dt.datetime(2026, 2, 20, 12, 0, tzinfo=dt.UTC), tick=False)
def test_service_then_series_across_dst_keeps_nine_am_local_on_the_schedule(owner_client, studio):
    response = owner_client.post("/dashboard/services/new/", _service_form(), follow=True)
    assert "Service “Mat Pilates” created" in response.content.decode()
    service = Service.objects.get(provider=studio.provider, name="Mat Pilates")
    assert service.price_cents == 2000
    response = owner_client.post(
        "/dashboard/schedule/series/new/",
        {
            "service": service.public_id,
            "instructor": studio.instructor.public_id,
            "weekdays": ["0", "3"],
            "local_time": "09:00",
            "start_date": "2026-03-02",
            "end_date": "2026-03-12",
            "capacity": "",
            "price": "",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "4 sessions of Mat Pilates scheduled" in page
    sessions = list(ClassSession.objects.filter(service=service))
    assert [s.scheduled_at.astimezone(dt.UTC).hour for s in sessions] == [15, 15, 14, 14]
    assert {s.scheduled_at.astimezone(CHICAGO).time() for s in sessions} == {dt.time(9, 0)}
    assert {(s.capacity, s.price_cents) for s in sessions} == {(8, 2000)}
    before = owner_client.get("/dashboard/schedule/?week=2026-03-02").content.decode()
    after = owner_client.get("/dashboard/schedule/?week=2026-03-09").content.decode()
    assert "9:00 AM CST" in before
    assert "9:00 AM CDT" in after
    assert "America/Chicago" in after


def test_service_form_errors_are_inline(owner_client, studio):
    response = owner_client.post(
        "/dashboard/services/new/", _service_form(name="", price="-3", duration_min="0")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="errorlist"') == 3
    assert not Service.objects.filter(name="").exists()


def test_edit_and_archive_a_service(owner_client, studio):
    url = f"/dashboard/services/{studio.service.public_id}/edit/"
    assert 'value="20.00"' in owner_client.get(url).content.decode()
    owner_client.post(url, _service_form(name="Reformer", price="35.50"))
    studio.service.refresh_from_db()
    assert (studio.service.name, studio.service.price_cents) == ("Reformer", 3550)
    owner_client.post(f"/dashboard/services/{studio.service.public_id}/archive/")
    studio.service.refresh_from_db()
    assert studio.service.archived_at is not None
    form = owner_client.get("/dashboard/schedule/new/").content.decode()
    assert studio.service.public_id not in form


def test_instructors_create_edit_archive(owner_client, studio):
    owner_client.post("/dashboard/instructors/new/", {"name": "Sarah Lee", "email": ""})
    sarah = Instructor.objects.get(provider=studio.provider, name="Sarah Lee")
    owner_client.post(
        f"/dashboard/instructors/{sarah.public_id}/edit/",
        {"name": "Sarah Lee-Park", "email": "sarah@x.example", "bio": "Reformer"},
    )
    sarah.refresh_from_db()
    assert (sarah.name, sarah.email) == ("Sarah Lee-Park", "sarah@x.example")
    owner_client.post(f"/dashboard/instructors/{sarah.public_id}/archive/")
    sarah.refresh_from_db()
    assert sarah.archived_at is not None
    response = owner_client.post("/dashboard/instructors/new/", {"name": "", "email": "bad"})
    assert response.content.decode().count('class="errorlist"') == 2


@time_machine.travel(dt.datetime(2026, 2, 20, 12, 0, tzinfo=dt.UTC), tick=False)
def test_one_session_typed_in_local_time_is_stored_in_utc(owner_client, studio):
    response = owner_client.post(
        "/dashboard/schedule/new/",
        {
            "service": studio.service.public_id,
            "instructor": "",
            "scheduled_at": "2026-07-01T18:00",
            "capacity": "4",
            "price": "",
            "public_note": "Bring socks",
        },
    )
    assert response["Location"] == "/dashboard/schedule/?week=2026-06-29"
    session = ClassSession.objects.get(public_note="Bring socks")
    assert session.scheduled_at == dt.datetime(2026, 7, 1, 23, 0, tzinfo=dt.UTC)
    assert (session.capacity, session.price_cents) == (4, studio.service.price_cents)


def test_session_form_errors_are_inline(owner_client, studio, other_studio):
    response = owner_client.post(
        "/dashboard/schedule/new/",
        {"service": other_studio.service.public_id, "scheduled_at": "soon", "capacity": "0"},
    )
    page = response.content.decode()
    assert page.count('class="errorlist"') == 3
    assert ClassSession.objects.count() == 2


def test_series_form_needs_an_end(owner_client, studio):
    response = owner_client.post(
        "/dashboard/schedule/series/new/",
        {
            "service": studio.service.public_id,
            "weekdays": ["1"],
            "local_time": "07:00",
            "start_date": "2026-05-01",
        },
    )
    assert "Give an end date or a number of sessions." in response.content.decode()
    assert ClassSession.objects.filter(provider=studio.provider).count() == 1


@time_machine.travel(dt.datetime(2026, 2, 20, 12, 0, tzinfo=dt.UTC), tick=False)
def test_edit_session_refuses_capacity_below_bookings(owner_client, studio):
    url = f"/dashboard/sessions/{studio.session.public_id}/edit/"
    form = {
        "instructor": "",
        "scheduled_at": "2026-09-01T10:00",
        "duration_min": "55",
        "capacity": "0",
        "price": "15",
        "public_note": "",
    }
    assert (
        "Ensure this value is greater than or equal to 1"
        in owner_client.post(url, form).content.decode()
    )
    factories.EnrollmentFactory(class_session=studio.session)
    response = owner_client.post(url, {**form, "capacity": "1"})
    assert "2 seats are already taken" in response.content.decode()
    response = owner_client.post(url, {**form, "capacity": "5"})
    assert response["Location"] == f"/dashboard/sessions/{studio.session.public_id}/"
    studio.session.refresh_from_db()
    assert studio.session.capacity == 5
    assert studio.session.price_cents == 1500
    assert studio.session.scheduled_at == dt.datetime(2026, 9, 1, 15, 0, tzinfo=dt.UTC)


def test_cancel_session_refunds_every_paid_booking_and_emails_everyone(
    owner_client, studio, fake_stripe, django_capture_on_commit_callbacks
):
    session = studio.session
    paid = paid_enrollment(session, amount_cents=2000)
    Enrollment.objects.filter(pk=studio.enrollment.pk).update(paid_with="free")
    url = f"/dashboard/sessions/{session.public_id}/cancel/"
    assert "full refund" in owner_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url, follow=True)
    assert "Class cancelled. 2 booking(s) refunded and emailed." in response.content.decode()
    refunds = fake_stripe.calls("/v1/refunds")
    assert len(refunds) == 1
    assert refunds[0].params["amount"] == "2000"
    assert refunds[0].params["payment_intent"] == paid.payment.payment_intent_id
    assert refunds[0].stripe_account == studio.provider.stripe_account_id
    owed = PaymentRefund.objects.get(enrollment=paid)
    assert refunds[0].idempotency_key == f"refund-{owed.public_id}-1"
    session.refresh_from_db()
    assert session.status == ClassSession.Status.CANCELLED
    assert set(
        Enrollment.objects.filter(class_session=session).values_list("status", flat=True)
    ) == {"Cancelled"}
    assert {m.to[0] for m in mail.outbox} >= {paid.client.email, studio.enrollment.client.email}
    schedule = owner_client.get(
        f"/dashboard/schedule/?week={session.scheduled_at.astimezone(CHICAGO).date()}"
    ).content.decode()
    assert 'badge-bad">Cancelled' in schedule


def test_cancel_session_with_a_failing_refund_reports_it(owner_client, studio, fake_stripe):
    paid = paid_enrollment(studio.session)
    fake_stripe.fail_next("/v1/refunds", 400, "Charge already disputed")
    response = owner_client.post(
        f"/dashboard/sessions/{studio.session.public_id}/cancel/", follow=True
    )
    assert "1 refund(s) failed" in response.content.decode()
    paid.refresh_from_db()
    assert paid.status == Enrollment.Status.CONFIRMED


def test_schedule_week_query_count_is_constant(owner_client, studio, django_assert_max_num_queries):
    monday = dt.date(2026, 3, 2)
    for day in range(7):
        for hour in (7, 12, 18):
            factories.ClassSessionFactory(
                provider=studio.provider,
                service=studio.service,
                instructor=studio.instructor,
                scheduled_at=dt.datetime.combine(
                    monday + dt.timedelta(days=day), dt.time(hour), tzinfo=CHICAGO
                ),
            )
    with django_assert_max_num_queries(8):
        response = owner_client.get("/dashboard/schedule/?week=2026-03-04")
    assert response.content.decode().count("session-row") == 21


@time_machine.travel(dt.datetime(2026, 2, 20, 12, 0, tzinfo=dt.UTC), tick=False)
def test_blackouts_add_list_delete(owner_client, studio):
    response = owner_client.post(
        "/dashboard/blackouts/",
        {
            "label": "Memorial Day",
            "kind": "holiday",
            "all_day": "on",
            "starts_at": "2026-05-25T10:00",
            "ends_at": "2026-05-26T00:00",
        },
        follow=True,
    )
    assert "Blackout “Memorial Day” added." in response.content.decode()
    blackout = Blackout.objects.get(label="Memorial Day")
    assert blackout.starts_at == dt.datetime(2026, 5, 25, 5, 0, tzinfo=dt.UTC)
    assert blackout.ends_at == dt.datetime(2026, 5, 26, 5, 0, tzinfo=dt.UTC)
    response = owner_client.post(
        "/dashboard/blackouts/",
        {
            "label": "",
            "kind": "other",
            "starts_at": "2026-05-25T10:00",
            "ends_at": "2026-05-25T09:00",
        },
    )
    page = response.content.decode()
    assert "This field is required." in page
    assert "The end must be after the start." in page
    owner_client.post(f"/dashboard/blackouts/{blackout.public_id}/delete/")
    assert not Blackout.objects.filter(pk=blackout.pk).exists()


NOW = dt.datetime(2026, 2, 20, 12, 0, tzinfo=dt.UTC)  # 06:00 in Chicago, a Friday


def _far_and_past_forms(studio, when: str, day: str) -> list[tuple[str, dict]]:
    service = studio.service.public_id
    return [
        ("/dashboard/schedule/new/", {"service": service, "scheduled_at": when}),
        (
            "/dashboard/schedule/series/new/",
            {
                "service": service,
                "weekdays": ["0"],
                "local_time": "09:00",
                "start_date": day,
                "count": "3",
            },
        ),
        (
            "/dashboard/appointments/new/",
            {
                "service": service,
                "client_name": "Al",
                "client_email": "al@example.com",
                "starts_at": when,
            },
        ),
    ]


def _counts(studio) -> tuple[int, int, int]:
    provider = studio.provider
    return (
        ClassSession.objects.filter(provider=provider).count(),
        provider.appointments.count(),
        Blackout.objects.filter(provider=provider).count(),
    )


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("when", "day"), [("9999-12-31T23:59", "9999-12-30"), ("0001-01-01T00:00", "0001-01-02")]
)
def test_dates_near_year_one_or_9999_get_an_inline_error_not_a_500(owner_client, studio, when, day):
    before = _counts(studio)
    for url, data in _far_and_past_forms(studio, when, day):
        response = owner_client.post(url, data)
        assert response.status_code == 200, url
        assert "years away: check the year." in response.text, url
    blackout = {
        "label": "Far",
        "kind": "closure",
        "all_day": "on",
        "starts_at": when,
        "ends_at": when,
    }
    response = owner_client.post("/dashboard/blackouts/", blackout)
    assert "years away: check the year." in response.text
    assert _counts(studio) == before


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01"])
def test_a_week_years_away_shows_this_week_instead_of_failing(owner_client, studio, week):
    response = owner_client.get(f"/dashboard/schedule/?week={week}")
    assert response.status_code == 200
    assert "16 Feb \N{EN DASH} 22 Feb 2026" in response.text


@time_machine.travel(NOW, tick=False)
def test_sessions_series_and_appointments_in_the_past_are_refused_inline(owner_client, studio):
    before = _counts(studio)
    for url, data in _far_and_past_forms(studio, "2026-02-19T18:00", "2026-02-16"):
        response = owner_client.post(url, data)
        assert response.status_code == 200, url
        page = response.text
        assert "That time has already passed" in page or "The start date has passed" in page, url
    assert _counts(studio) == before


@time_machine.travel(NOW, tick=False)
def test_a_series_starting_today_after_its_time_has_passed_is_refused(owner_client, studio):
    data = {
        "service": studio.service.public_id,
        "weekdays": ["4"],
        "local_time": "05:30",
        "start_date": "2026-02-20",
        "count": "2",
    }
    response = owner_client.post("/dashboard/schedule/series/new/", data)
    assert "Today&#x27;s 05:30 has passed: start tomorrow." in response.text
    response = owner_client.post("/dashboard/schedule/series/new/", {**data, "local_time": "07:00"})
    assert response.status_code == 302
    series = ClassSession.objects.filter(series_id__isnull=False).order_by("scheduled_at")
    assert [s.scheduled_at for s in series] == [
        dt.datetime(2026, 2, 20, 13, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 2, 27, 13, 0, tzinfo=dt.UTC),
    ]


@time_machine.travel(NOW, tick=False)
def test_a_past_session_keeps_its_time_on_edit_but_cannot_be_moved_into_the_past(
    owner_client, studio
):
    session = factories.ClassSessionFactory(
        provider=studio.provider,
        service=studio.service,
        scheduled_at=dt.datetime(2026, 2, 19, 15, 0, 30, tzinfo=dt.UTC),  # 09:00:30 local
    )
    url = f"/dashboard/sessions/{session.public_id}/edit/"
    form = {
        "scheduled_at": "2026-02-19T09:00",
        "duration_min": "50",
        "capacity": "9",
        "price": "10",
        "public_note": "",
    }
    assert owner_client.post(url, form).status_code == 302
    session.refresh_from_db()
    assert session.capacity == 9
    response = owner_client.post(url, {**form, "scheduled_at": "2026-02-18T09:00"})
    assert "That time has already passed" in response.text
    session.refresh_from_db()
    assert session.scheduled_at.date() == dt.date(2026, 2, 19)


@time_machine.travel(NOW, tick=False)
def test_a_blackout_that_has_already_ended_is_refused(owner_client, studio):
    before = _counts(studio)
    response = owner_client.post(
        "/dashboard/blackouts/",
        {
            "label": "Last week",
            "kind": "closure",
            "starts_at": "2026-02-10T00:00",
            "ends_at": "2026-02-12T00:00",
        },
    )
    assert "That end has already passed" in response.text
    assert _counts(studio) == before
