"""Appointments, packs, gift cards and customers through the pages."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail

from classes.models import Appointment
from customers.models import Client
from payments.models import GiftCardRedemption, PackageCreditEntry, PackageType
from payments.services.gift_cards import gift_card_code_display
from tests import factories

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 2, 20, 12, 0, tzinfo=dt.UTC), tick=False)
def test_book_an_appointment_for_a_new_customer(
    owner_client, studio, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _book_pat(owner_client, studio)
    assert "Appointment with Pat Private booked." in response.content.decode()
    appointment = Appointment.objects.get(client__email="pat@example.com")
    assert appointment.starts_at == dt.datetime(2026, 6, 1, 15, 0, tzinfo=dt.UTC)
    assert appointment.price_cents == 9000
    assert appointment.duration_min == studio.service.duration_min
    [confirmation] = mail.outbox
    assert confirmation.to == ["pat@example.com"]
    assert confirmation.subject.startswith(f"Booked: {studio.service.name}")
    for part in (confirmation.body, confirmation.alternatives[0][0]):
        assert "Mon 1 Jun, 10:00 AM CDT" in part
        assert "Price: $90.00" in part


def _book_pat(owner_client, studio):
    return owner_client.post(
        "/dashboard/appointments/new/",
        {
            "service": studio.service.public_id,
            "instructor": studio.instructor.public_id,
            "client_name": "Pat Private",
            "client_email": "Pat@Example.com",
            "client_phone": "(512) 555-0199",
            "starts_at": "2026-06-01T10:00",
            "duration_min": "",
            "price": "90",
            "notes": "",
        },
        follow=True,
    )


def test_appointment_form_errors_are_inline(owner_client, studio):
    response = owner_client.post(
        "/dashboard/appointments/new/",
        {"service": studio.service.public_id, "client_email": "nope", "client_phone": "12"},
    )
    page = response.content.decode()
    assert page.count('class="errorlist"') >= 3
    assert Appointment.objects.count() == 1


def test_completing_an_appointment_emails_the_tip_link(
    owner_client, studio, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            f"/dashboard/appointments/{studio.appointment.public_id}/complete/", follow=True
        )
    assert "Visit completed. A tip link was emailed." in response.content.decode()
    studio.appointment.refresh_from_db()
    assert studio.appointment.status == Appointment.Status.COMPLETED
    assert [m.to for m in mail.outbox] == [[studio.appointment.client.email]]


def test_no_show_appointment_sends_nothing_and_cannot_then_complete(owner_client, studio):
    owner_client.post(f"/dashboard/appointments/{studio.appointment.public_id}/no-show/")
    response = owner_client.post(
        f"/dashboard/appointments/{studio.appointment.public_id}/complete/", follow=True
    )
    assert "already NoShow" in response.content.decode()
    studio.appointment.refresh_from_db()
    assert studio.appointment.status == Appointment.Status.NO_SHOW
    assert mail.outbox == []


def test_package_types_create_and_edit(owner_client, studio):
    owner_client.post(
        "/dashboard/packs/new/",
        {
            "name": "10 classes",
            "sessions": "10",
            "price": "150",
            "validity_days": "180",
            "active": "on",
        },
    )
    pack = PackageType.objects.get(name="10 classes")
    assert (pack.sessions, pack.price_cents, pack.validity_days, pack.active) == (
        10,
        15000,
        180,
        True,
    )
    owner_client.post(
        f"/dashboard/packs/types/{pack.public_id}/edit/",
        {"name": "10 classes", "sessions": "10", "price": "140", "validity_days": "180"},
    )
    pack.refresh_from_db()
    assert (pack.price_cents, pack.active) == (14000, False)
    response = owner_client.post(
        "/dashboard/packs/new/", {"name": "", "sessions": "0", "price": "0.10", "validity_days": ""}
    )
    assert response.content.decode().count('class="errorlist"') == 4


def test_sold_packs_show_remaining_credits_and_the_ledger_with_adjustments(owner_client, studio):
    package = studio.package
    page = owner_client.get("/dashboard/packs/").content.decode()
    assert f"<strong>{package.sessions_remaining}</strong> / {package.sessions_total}" in page
    url = f"/dashboard/packs/{package.public_id}/"
    response = owner_client.post(url, {"delta": "-2", "note": "Two classes taken at the desk"})
    assert response["Location"] == url
    package.refresh_from_db()
    assert package.sessions_remaining == 3
    entry = PackageCreditEntry.objects.get(package=package)
    assert (entry.delta, entry.reason) == (-2, "adjusted")
    page = owner_client.get(url).content.decode()
    assert "Two classes taken at the desk" in page
    response = owner_client.post(url, {"delta": "-9", "note": "Too many"})
    assert response.status_code == 200
    assert "msg-error" not in response.content.decode()
    package.refresh_from_db()
    assert package.sessions_remaining == 3


def test_gift_cards_list_search_by_code_and_history(owner_client, studio):
    factories.GiftCardFactory(provider=studio.provider, code="ZZZZ0000ZZZZ0000")
    card = studio.gift_card
    page = owner_client.get("/dashboard/gift-cards/").content.decode()
    assert gift_card_code_display(card.code) in page
    assert "ZZZZ 0000 ZZZZ 0000" in page
    found = owner_client.get(f"/dashboard/gift-cards/?q={card.code[-6:].lower()}").content.decode()
    assert gift_card_code_display(card.code) in found
    assert "ZZZZ 0000 ZZZZ 0000" not in found
    grouped = owner_client.get("/dashboard/gift-cards/", {"q": "zzzz 0000 zzzz-0000"}).text
    assert "ZZZZ 0000 ZZZZ 0000" in grouped
    factories.GiftCardFactory(
        provider=factories.ProviderFactory(handle="x"), code="ZZZZ1111ZZZZ1111"
    )
    foreign = owner_client.get("/dashboard/gift-cards/?q=ZZZZ1111").content.decode()
    assert "ZZZZ1111ZZZZ1111" not in foreign
    detail = owner_client.get(f"/dashboard/gift-cards/{card.public_id}/").content.decode()
    assert "Not used yet." in detail
    assert "$100.00" in detail


def test_customers_list_search_and_detail(owner_client, studio, other_studio):
    jane = factories.ClientFactory(
        provider=studio.provider, name="Jane Doe", email="jane@x.example"
    )
    page = owner_client.get("/dashboard/customers/?q=jane").content.decode()
    assert "Jane Doe" in page
    assert studio.client.email not in page
    assert (
        other_studio.client.email not in owner_client.get("/dashboard/customers/").content.decode()
    )
    factories.EnrollmentFactory(class_session=studio.session, client=jane)
    factories.ClientPackageFactory(package_type=studio.package_type, client=jane)
    factories.GiftCardFactory(provider=studio.provider, recipient_email="jane@x.example")
    detail = owner_client.get(f"/dashboard/customers/{jane.public_id}/").content.decode()
    assert studio.session.name_snapshot in detail
    assert studio.package_type.name in detail
    assert "Recipient" in detail


def test_customer_list_query_count_is_constant(owner_client, studio, django_assert_max_num_queries):
    for _ in range(30):
        factories.EnrollmentFactory(class_session=studio.session)
    with django_assert_max_num_queries(7):
        page = owner_client.get("/dashboard/customers/").content.decode()
    assert (
        page.count("/dashboard/customers/cli-")
        == Client.objects.filter(provider=studio.provider).count()
    )


@pytest.mark.parametrize(
    ("url", "pattern", "make"),
    [
        (
            "/dashboard/gift-cards/",
            r"/dashboard/gift-cards/(gc-\w+)/",
            lambda s: factories.GiftCardFactory(provider=s.provider),
        ),
        (
            "/dashboard/packs/",
            r"/dashboard/packs/(pkg-\w+)/",
            lambda s: factories.ClientPackageFactory(package_type=s.package_type),
        ),
        (
            "/dashboard/customers/",
            r"/dashboard/customers/(cli-\w+)/",
            lambda s: factories.ClientFactory(provider=s.provider),
        ),
    ],
    ids=["gift-cards", "sold-packs", "customers"],
)
def test_long_lists_are_paged_so_every_row_can_be_reached(
    owner_client, studio, url, pattern, make, django_assert_max_num_queries
):
    for _ in range(120):
        make(studio)
    with django_assert_max_num_queries(8):
        first = owner_client.get(url).content.decode()
    assert "Page 1 of 3" in first
    seen: set[str] = set()
    for number in (1, 2, 3):
        page = owner_client.get(f"{url}?page={number}").content.decode()
        assert f"Page {number} of 3" in page
        rows = set(re.findall(pattern, page))
        assert not rows & seen
        seen |= rows
    assert len(seen) >= 121
    assert "Page 3 of 3" in owner_client.get(f"{url}?page=999").content.decode()
    assert "Page 1 of 3" in owner_client.get(f"{url}?page=abc").content.decode()


def test_paging_keeps_the_search(owner_client, studio):
    for n in range(60):
        factories.GiftCardFactory(provider=studio.provider, purchaser_email=f"pat{n}@x.example")
    page = owner_client.get("/dashboard/gift-cards/?q=pat").content.decode()
    assert "Page 1 of 2" in page
    assert 'href="?q=pat&amp;page=2" rel="next"' in page


def test_the_pack_ledger_and_the_schedule_blackout_banner_show_the_zone(owner_client, studio):
    session = factories.ClassSessionFactory(
        provider=studio.provider,
        service=studio.service,
        scheduled_at=dt.datetime(2027, 7, 1, 14, 0, tzinfo=dt.UTC),  # 09:00 CDT
    )
    enrollment = factories.EnrollmentFactory(class_session=session, client=studio.client)
    PackageCreditEntry.objects.create(
        package=studio.package, delta=-1, reason="used", enrollment=enrollment
    )
    ledger = owner_client.get(f"/dashboard/packs/{studio.package.public_id}/").text
    assert "Thu 1 Jul 2027, 9:00 AM CDT" in ledger
    factories.BlackoutFactory(
        provider=studio.provider,
        label="Roof repair",
        starts_at=dt.datetime(2027, 7, 2, 14, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2027, 7, 2, 18, 0, tzinfo=dt.UTC),
    )
    schedule = owner_client.get("/dashboard/schedule/?week=2027-06-28").text
    assert "Fri 2 Jul 2027, 9:00 AM CDT \N{EN DASH} Fri 2 Jul 2027, 1:00 PM CDT" in schedule


def test_customer_phones_read_in_international_format(owner_client, studio):
    jane = factories.ClientFactory(provider=studio.provider, name="Jane Doe", phone="15125550100")
    listing = owner_client.get("/dashboard/customers/?q=jane").text
    detail = owner_client.get(f"/dashboard/customers/{jane.public_id}/").text
    assert "+1 512-555-0100" in listing
    assert "+1 512-555-0100" in detail
    assert "15125550100" not in listing + detail
    assert "Jane Doe" in owner_client.get("/dashboard/customers/?q=512-555-0100").text


def test_the_bookings_count_leaves_out_cancelled_ones_and_counts_visits(owner_client, studio):
    jane = factories.ClientFactory(provider=studio.provider, name="Jane Doe")
    factories.EnrollmentFactory(class_session=studio.session, client=jane)
    factories.EnrollmentFactory(
        class_session__provider=studio.provider, client=jane, status="Cancelled"
    )
    factories.AppointmentFactory(provider=studio.provider, client=jane)
    factories.AppointmentFactory(provider=studio.provider, client=jane, status="Cancelled")
    page = owner_client.get("/dashboard/customers/?q=jane").text
    [count] = re.findall(r"Jane Doe</a></td><td>[^<]*</td><td[^>]*>[^<]*</td><td>(\d+)</td>", page)
    assert count == "2"


def test_a_gift_card_the_customer_paid_a_visit_with_is_on_their_page(owner_client, studio):
    jane = factories.ClientFactory(provider=studio.provider, name="Jane Doe")
    handed_over = factories.GiftCardFactory(
        provider=studio.provider, code="HAND2345OVER6789", purchaser_email="someone@else.example"
    )
    visit = factories.AppointmentFactory(provider=studio.provider, client=jane)
    GiftCardRedemption.objects.create(
        gift_card=handed_over, appointment=visit, amount_cents=3000, balance_after_cents=7000
    )
    detail = owner_client.get(f"/dashboard/customers/{jane.public_id}/").text
    assert "HAND 2345 OVER 6789" in detail
    assert "Paid 1 visit with it" in detail
    assert "Purchaser" not in detail


def test_the_roster_shows_who_cancelled_and_the_customers_reason(owner_client, studio):
    factories.EnrollmentFactory(
        class_session=studio.session,
        status="Cancelled",
        cancelled_at=studio.session.scheduled_at - dt.timedelta(days=1),
        cancelled_by="customer",
        cancel_reason="Twisted my ankle",
    )
    page = owner_client.get(f"/dashboard/sessions/{studio.session.public_id}/").text
    assert "Cancelled by the customer: “Twisted my ankle”" in page
