"""Every registered model's changelist and change page render, search finds rows, and the
pages stay at a constant number of queries however many rows there are."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label)


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_domain_model_is_registered():
    labels = {m._meta.label for m in REGISTERED}
    assert {
        "accounts.User",
        "accounts.Provider",
        "accounts.Membership",
        "accounts.ApiKey",
        "customers.Client",
        "customers.ReminderLog",
        "classes.Service",
        "classes.Instructor",
        "classes.ClassSession",
        "classes.Blackout",
        "classes.Enrollment",
        "classes.WaitlistEntry",
        "classes.Appointment",
        "payments.Payment",
        "payments.PaymentRefund",
        "payments.StripeEvent",
        "payments.PackageType",
        "payments.ClientPackage",
        "payments.PackageCreditEntry",
        "payments.GiftCard",
        "payments.GiftCardRedemption",
    } <= labels


def test_admin_index_lists_every_app_for_staff(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    for name in ("Accounts and tenants", "Classes", "Customers", "Payments"):
        assert name in response.text


def test_admin_names_read_as_english_plurals(admin_client):
    index = admin_client.get(reverse("admin:index")).text
    for name in ("Waitlist entries", "Package credit entries", "API keys"):
        assert name in index
    for wrong in ("entrys", "Api keys"):
        assert wrong not in index


def test_the_enrollment_changelist_uses_five_compact_columns(admin_client, rows):
    response = admin_client.get(_url(type(rows.enrollment), "changelist"))
    headers = [h for h in response.context["cl"].list_display if h != "action_checkbox"]
    assert headers == ["public_id", "booked_class", "customer", "state", "booked"]
    assert "css/admin.css" in response.text


def test_admin_requires_a_staff_login(client, rows):
    response = client.get(_url(type(rows.payment), "changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_changelist_renders_its_rows_for_a_superuser(admin_client, rows, model):
    response = admin_client.get(_url(model, "changelist"))

    assert response.status_code == 200
    changelist = response.context["cl"]
    assert changelist.result_count >= 1
    assert changelist.result_count == model._default_manager.count()


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_change_page_renders_for_a_superuser(admin_client, rows, model):
    obj = model._default_manager.order_by("pk").first()

    response = admin_client.get(_url(model, "change", obj.pk))

    assert response.status_code == 200
    assert response.context["original"] == obj


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_changelist_filters_and_search_box_render(admin_client, rows, model):
    model_admin = admin.site._registry[model]
    response = admin_client.get(_url(model, "changelist"), {"q": "no-such-row-anywhere"})

    assert response.status_code == 200
    if model_admin.search_fields:
        assert response.context["cl"].result_count == 0
        assert 'id="searchbar"' in response.text


@pytest.mark.parametrize(
    ("label", "term", "expected"),
    [
        ("accounts.User", "owner@admin-studio.example", lambda r: r.owner),
        ("accounts.Provider", "admin-studio", lambda r: r.provider),
        ("accounts.Provider", "owner@admin-studio.example", lambda r: r.provider),
        ("accounts.Membership", "owner@admin-studio", lambda r: r.membership),
        ("accounts.ApiKey", "admin-studio", lambda r: r.minted.api_key),
        ("customers.Client", "casey@example.com", lambda r: r.client),
        ("classes.ClassSession", "session-public-id", lambda r: r.session),
        ("classes.Enrollment", "casey@example.com", lambda r: r.enrollment),
        ("classes.Enrollment", "pi_admin_rows", lambda r: r.enrollment),
        ("classes.WaitlistEntry", "session-public-id", lambda r: r.waitlist_entry),
        ("classes.Appointment", "casey@example.com", lambda r: r.appointment),
        ("payments.Payment", "cs_test_admin_rows", lambda r: r.payment),
        ("payments.Payment", "pi_admin_rows", lambda r: r.payment),
        ("payments.Payment", "payment-public-id", lambda r: r.payment),
        ("payments.StripeEvent", "evt_admin_rows", lambda r: r.stripe_event),
        ("payments.ClientPackage", "casey@example.com", lambda r: r.package),
        ("payments.PackageCreditEntry", "casey@example.com", lambda r: r.credit_entry),
        ("payments.GiftCard", "admngiftcard2345", lambda r: r.gift_card),
        ("payments.GiftCardRedemption", "ADMNGIFTCARD2345", lambda r: r.redemption),
        ("axes.AccessAttempt", "owner@admin-studio", lambda r: r.login_attempt),
        ("customers.ReminderLog", "casey@example.com", lambda r: r.reminder),
    ],
)
def test_search_finds_the_row_by_email_handle_code_stripe_or_public_id(
    admin_client, rows, label, term, expected
):
    other = factories.ProviderFactory(handle="other-studio")
    factories.EnrollmentFactory(class_session=factories.ClassSessionFactory(provider=other))
    factories.PaymentFactory(provider=other, payment_intent_id="pi_other")
    factories.GiftCardFactory(provider=other)
    target = expected(rows)
    if term == "session-public-id":
        term = rows.session.public_id
    if term == "payment-public-id":
        term = rows.payment.public_id
    model = type(target)

    response = admin_client.get(_url(model, "changelist"), {"q": term})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [target]


@pytest.mark.parametrize(
    "label",
    [
        "classes.Enrollment",
        "classes.WaitlistEntry",
        "classes.ClassSession",
        "payments.Payment",
        "payments.ClientPackage",
        "payments.GiftCard",
        "payments.PackageCreditEntry",
        "payments.GiftCardRedemption",
        "customers.Client",
        "customers.ReminderLog",
        "accounts.ApiKey",
    ],
)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, rows, label):
    model = next(m for m in REGISTERED if m._meta.label == label)
    url = _url(model, "changelist")
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200

    _add_rows_everywhere(rows, count=4)
    assert model._default_manager.count() >= 5
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(url).status_code == 200

    assert len(many) == len(few)


def _add_rows_everywhere(rows, *, count: int) -> None:
    from accounts.services import api_key_mint
    from customers.models import ReminderLog
    from payments.models import GiftCardRedemption, PackageCreditEntry

    for n in range(count):
        provider = factories.ProviderFactory(handle=f"more-{n}")
        api_key_mint(provider=provider, name="Key", origins=["https://x.example"])
        session = factories.ClassSessionFactory(provider=provider)
        payment = factories.PaymentFactory(provider=provider)
        enrollment = factories.EnrollmentFactory(class_session=session, payment=payment)
        factories.WaitlistEntryFactory(class_session=session)
        package = factories.ClientPackageFactory(
            package_type=factories.PackageTypeFactory(provider=provider)
        )
        PackageCreditEntry.objects.create(
            package=package, delta=-1, reason="used", enrollment=enrollment
        )
        ReminderLog.objects.create(enrollment=enrollment)
        card = factories.GiftCardFactory(provider=provider)
        GiftCardRedemption.objects.create(
            gift_card=card,
            appointment=factories.AppointmentFactory(provider=provider),
            amount_cents=100,
            balance_after_cents=card.balance_cents - 100,
        )
