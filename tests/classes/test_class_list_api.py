"""GET /api/classes and GET /api/classes/:id."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from classes.models import ClassSession, Enrollment
from tests import factories
from tests.classes.conftest import fill

pytestmark = pytest.mark.django_db
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 5, 14, 15, 0, tzinfo=dt.UTC)


def _list(api, frm="2026-05-14", to="2026-05-31", handle="sculpt-co"):
    return api.get("/api/classes", {"handle": handle, "from": frm, "to": to})


@time_machine.travel(NOW, tick=False)
def test_list_shows_scheduled_classes_with_the_contract_fields(api, provider):
    session = factories.ClassSessionFactory(
        provider=provider,
        scheduled_at=dt.datetime(2026, 5, 18, 11, 0, tzinfo=dt.UTC),
        capacity=6,
        instructor__name="Sarah Lee",
    )
    fill(session, 4)
    response = _list(api)
    assert response.status_code == 200
    assert response.json()["classes"] == [
        {
            "id": session.public_id,
            "scheduledAt": "2026-05-18T11:00:00.000Z",
            "nameSnapshot": "Pilates Class",
            "durationMin": 50,
            "priceCents": 2000,
            "capacity": 6,
            "enrolledCount": 4,
            "seatsLeft": 2,
            "publicNote": None,
            "instructor": {"id": session.instructor.public_id, "name": "Sarah Lee"},
        }
    ]


@time_machine.travel(NOW, tick=False)
def test_only_classes_that_have_not_started_are_listed(api, provider):
    started = factories.ClassSessionFactory(
        provider=provider, scheduled_at=NOW - dt.timedelta(minutes=10), capacity=6
    )
    starting_now = factories.ClassSessionFactory(provider=provider, scheduled_at=NOW)
    upcoming = factories.ClassSessionFactory(
        provider=provider, scheduled_at=NOW + dt.timedelta(minutes=10)
    )
    ids = [c["id"] for c in _list(api).json()["classes"]]
    assert ids == [upcoming.public_id]
    for gone in (started, starting_now):  # what the list leaves out, booking refuses
        response = api.post(
            f"/api/classes/{gone.public_id}/book",
            {"name": "Jane Doe", "email": "jane@example.com", "phone": "512-555-0100"},
            format="json",
        )
        assert response.status_code == 410


@time_machine.travel(NOW, tick=False)
def test_cancelled_and_completed_classes_never_appear(api, provider):
    at = dt.datetime(2026, 5, 18, 11, 0, tzinfo=dt.UTC)
    kept = factories.ClassSessionFactory(provider=provider, scheduled_at=at)
    for status in (ClassSession.Status.CANCELLED, ClassSession.Status.COMPLETED):
        factories.ClassSessionFactory(provider=provider, scheduled_at=at, status=status)
    ids = [c["id"] for c in _list(api).json()["classes"]]
    assert ids == [kept.public_id]


@time_machine.travel(NOW, tick=False)
def test_unpaid_live_holds_count_as_taken_but_expired_ones_do_not(api, provider):
    session = factories.ClassSessionFactory(
        provider=provider, scheduled_at=NOW + dt.timedelta(days=2), capacity=5
    )
    fill(session, 1)
    factories.EnrollmentFactory(
        class_session=session,
        status=Enrollment.Status.PENDING_PAYMENT,
        hold_expires_at=NOW + dt.timedelta(minutes=10),
    )
    factories.EnrollmentFactory(
        class_session=session,
        status=Enrollment.Status.PENDING_PAYMENT,
        hold_expires_at=NOW - dt.timedelta(minutes=1),
    )
    factories.EnrollmentFactory(class_session=session, status=Enrollment.Status.CANCELLED)
    item = _list(api).json()["classes"][0]
    assert (item["enrolledCount"], item["seatsLeft"]) == (1, 3)


@time_machine.travel(NOW, tick=False)
def test_dates_are_read_in_the_studio_time_zone_inclusive(api, provider):
    def local(day, hour, minute=0):
        return dt.datetime(2026, 5, day, hour, minute, tzinfo=CHICAGO)

    before = factories.ClassSessionFactory(provider=provider, scheduled_at=local(19, 23, 59))
    first = factories.ClassSessionFactory(provider=provider, scheduled_at=local(20, 0, 0))
    last = factories.ClassSessionFactory(provider=provider, scheduled_at=local(21, 23, 30))
    after = factories.ClassSessionFactory(provider=provider, scheduled_at=local(22, 0, 0))
    ids = [c["id"] for c in _list(api, "2026-05-20", "2026-05-21").json()["classes"]]
    assert ids == [first.public_id, last.public_id]
    assert before.public_id not in ids
    assert after.public_id not in ids


@time_machine.travel(NOW, tick=False)
def test_blackouts_overlapping_the_range_are_listed(api, provider):
    inside = factories.BlackoutFactory(
        provider=provider,
        label="Studio closed for Memorial Day",
        starts_at=dt.datetime(2026, 5, 25, 5, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 5, 27, 5, 0, tzinfo=dt.UTC),
    )
    factories.BlackoutFactory(
        provider=provider,
        starts_at=dt.datetime(2026, 6, 5, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 6, 6, tzinfo=dt.UTC),
    )
    factories.BlackoutFactory(starts_at=inside.starts_at, ends_at=inside.ends_at)  # other studio
    assert _list(api, "2026-05-26", "2026-05-26").json()["blackouts"] == [
        {
            "id": inside.public_id,
            "label": "Studio closed for Memorial Day",
            "startsAt": "2026-05-25T05:00:00.000Z",
            "endsAt": "2026-05-27T05:00:00.000Z",
            "allDay": True,
            "kind": "holiday",
        }
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-05-14", "to": "2026-05-20"},
        {"handle": "sculpt-co", "to": "2026-05-20"},
        {"handle": "sculpt-co", "from": "2026-05-14"},
        {"handle": "sculpt-co", "from": "14/05/2026", "to": "2026-05-20"},
        {"handle": "sculpt-co", "from": "2026-05-20", "to": "2026-05-14"},
        {"handle": "sculpt-co", "from": "2026-05-01", "to": "2026-07-01"},
    ],
)
def test_missing_invalid_or_too_wide_ranges_give_400(api, provider, params):
    response = api.get("/api/classes", params)
    assert response.status_code == 400
    assert response.json()["error"]


def test_a_sixty_day_range_is_allowed(api, provider):
    assert _list(api, "2026-05-01", "2026-06-30").status_code == 200


@pytest.mark.parametrize(
    ("tz", "frm", "to"),
    [
        ("America/Chicago", "9999-12-30", "9999-12-31"),
        ("Asia/Tokyo", "0001-01-01", "0001-01-02"),
        ("Pacific/Kiritimati", "0001-01-01", "0001-01-01"),
    ],
)
def test_dates_at_the_ends_of_the_calendar_give_400_not_500(api, provider, tz, frm, to):
    provider.timezone = tz
    provider.save(update_fields=["timezone"])
    response = _list(api, frm, to)
    assert response.status_code == 400
    assert "between" in response.json()["error"]


def test_the_first_and_last_listable_days_answer_an_empty_list(api, provider):
    provider.timezone = "Pacific/Kiritimati"  # UTC+14: the local day starts the day before
    provider.save(update_fields=["timezone"])
    assert _list(api, "0001-01-02", "0001-01-03").json() == {"classes": [], "blackouts": []}
    provider.timezone = "Etc/GMT+12"  # UTC-12: the local day ends the day after
    provider.save(update_fields=["timezone"])
    assert _list(api, "9999-12-28", "9999-12-29").json() == {"classes": [], "blackouts": []}


def test_an_unknown_handle_is_the_same_403_as_another_studios(api, provider):
    factories.ProviderFactory(handle="rival-studio")
    rival, unknown = _list(api, handle="rival-studio"), _list(api, handle="nobody-here")
    assert rival.status_code == unknown.status_code == 403
    assert rival.json() == unknown.json()


def test_list_needs_a_key(anon_api, provider):
    response = anon_api.get(
        "/api/classes", {"handle": "sculpt-co", "from": "2026-05-14", "to": "2026-05-20"}
    )
    assert response.status_code == 401


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("count", [1, 30])
def test_list_runs_a_constant_number_of_queries(
    api, provider, count, django_assert_max_num_queries
):
    for i in range(count):
        session = factories.ClassSessionFactory(
            provider=provider, scheduled_at=NOW + dt.timedelta(days=1, hours=i)
        )
        fill(session, 2)
        factories.BlackoutFactory(provider=provider, starts_at=NOW + dt.timedelta(days=i))
    with django_assert_max_num_queries(5):
        response = _list(api)
    assert len(response.json()["classes"]) == count
    assert all(c["enrolledCount"] == 2 for c in response.json()["classes"])


@pytest.mark.usefixtures("frozen_minute")
def test_list_rate_limit_is_60_per_minute(api, provider):
    codes = [_list(api).status_code for _ in range(61)]
    assert codes[:60] == [200] * 60
    assert codes[60] == 429


def test_detail_returns_the_class_and_a_public_slice_of_the_studio(api, provider):
    provider.bio = ""
    provider.avatar_key = "providers/sculpt.png"
    provider.save()
    session = factories.ClassSessionFactory(provider=provider, public_note="Bring socks")
    fill(session, 2)
    response = api.get(f"/api/classes/{session.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["class"]["id"] == session.public_id
    assert body["class"]["enrolledCount"] == 2
    assert body["class"]["seatsLeft"] == session.capacity - 2
    assert body["class"]["publicNote"] == "Bring socks"
    assert body["provider"] == {
        "displayName": "Sculpt Co",
        "handle": "sculpt-co",
        "avatarKey": "providers/sculpt.png",
        "avatarUrl": "http://testserver/media/providers/sculpt.png",
        "bio": None,
        "timezone": "America/Chicago",
    }


def test_detail_of_another_studios_class_or_unknown_id_gives_404(api, provider):
    foreign = factories.ClassSessionFactory()
    assert api.get(f"/api/classes/{foreign.public_id}").status_code == 404
    assert api.get("/api/classes/class-doesnotexist").status_code == 404


def test_detail_of_a_cancelled_class_gives_410(api, provider):
    session = factories.ClassSessionFactory(
        provider=provider, status=ClassSession.Status.CANCELLED, cancelled_at=timezone.now()
    )
    assert api.get(f"/api/classes/{session.public_id}").status_code == 410


@pytest.mark.usefixtures("frozen_minute")
def test_detail_rate_limit_is_120_per_minute(api, provider):
    session = factories.ClassSessionFactory(provider=provider)
    codes = [api.get(f"/api/classes/{session.public_id}").status_code for _ in range(121)]
    assert codes[119] == 200
    assert codes[120] == 429
