"""Bad input at the API edge: a clear JSON 400/415 that changes nothing, and hostile text that
is stored verbatim but always rendered inert (emails, dashboard, portal, calendar feed)."""

import json

import pytest
from django.core import mail
from django.test import Client as BrowserClient

from accounts.models import Membership
from classes.models import Enrollment
from customers.models import Client
from payments.models import Payment
from tests import factories
from tests.classes.conftest import CUSTOMER
from tests.fakes.webhooks import completed_event, post_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def free_class(provider):
    return factories.ClassSessionFactory(provider=provider, price_cents=0, capacity=5)


def book(api, session, **overrides):
    # json.dumps escapes to ASCII, so even a lone surrogate reaches the server as JSON does.
    return api.post(
        f"/api/classes/{session.public_id}/book",
        json.dumps({**CUSTOMER, **overrides}),
        content_type="application/json",
    )


def assert_refused(response, field: str, status: int = 400) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) >= {"error"}
    assert field in response.json()["error"]


@pytest.mark.parametrize(
    "name",
    [
        "Jane\x07Doe",  # a bell
        "Jane\x1b[31mDoe",  # a terminal escape
        "Jane\u202eeoD",  # right-to-left override: reads as "Jane Doe" backwards
        "Jane\r\nBcc: everyone@example.com",  # header injection
        "Jane\nDoe",
        "\u200b\u200b",  # only zero-width spaces
        "Jane\ud800",  # a lone surrogate cannot be stored as UTF-8
    ],
)
def test_a_name_with_control_or_invisible_characters_gives_400_and_books_nothing(
    api, free_class, name
):
    response = book(api, free_class, name=name)
    assert_refused(response, "name")
    assert not Enrollment.objects.exists()
    assert not Client.objects.exists()


@pytest.mark.parametrize(
    "name",
    ["José Ñúñez", "山田 花子", "Zoë O'Brien-Smith", "محمد", "Dev 👩‍💻 Patel", "Ана Иванова"],
)
def test_names_in_any_script_with_emoji_and_joiners_are_welcome(
    api, free_class, name, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = book(api, free_class, name=name)
    assert response.status_code == 200, response.content
    assert Client.objects.get().name == name
    assert name in mail.outbox[0].body


@pytest.mark.parametrize(
    ("content_type", "payload"),
    [
        ("text/plain", "name=Jane"),
        ("application/x-www-form-urlencoded", "name=Jane&email=jane%40example.com"),
        ("application/xml", "<book><name>Jane</name></book>"),
    ],
)
def test_a_body_that_is_not_json_gives_415_in_the_envelope(api, free_class, content_type, payload):
    response = api.post(
        f"/api/classes/{free_class.public_id}/book", payload, content_type=content_type
    )
    assert response.status_code == 415
    assert "error" in response.json()
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("payload", ["[]", '"Jane"', "123", "null"])
def test_json_that_is_not_an_object_gives_400(api, free_class, payload):
    response = api.post(
        f"/api/classes/{free_class.public_id}/book", payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert "error" in response.json()
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize(
    "amount",
    [10**30, -5000, 0, 12.5, "5000", "1e3", True, None],
    ids=["huge", "negative", "zero", "fraction", "numeric-string", "exponent", "bool", "null"],
)
def test_gift_card_amounts_outside_the_contract_give_400_and_no_checkout(
    api, provider, amount, fake_stripe
):
    body = {
        "handle": provider.handle,
        "amountCents": amount,
        "purchaserName": "Pat",
        "purchaserEmail": "pat@example.com",
    }
    response = api.post("/api/gift-cards/start", body, format="json")
    assert_refused(response, "amountCents")
    assert not Payment.objects.exists()
    assert not fake_stripe.calls("/v1/checkout/sessions")


@pytest.mark.parametrize("debit", [10**30, -1, 0])
def test_gift_card_redeem_with_an_impossible_debit_gives_400(api, provider, debit):
    card = factories.GiftCardFactory(provider=provider)
    response = api.post(
        "/api/gift-cards/redeem",
        {
            "code": card.code,
            "providerId": provider.public_id,
            "requestedDebitCents": debit,
            "mode": "commit",
            "appointmentId": "appt-1",
        },
        format="json",
    )
    assert_refused(response, "requestedDebitCents")
    card.refresh_from_db()
    assert card.balance_cents == card.initial_cents


def test_sql_in_a_name_is_stored_verbatim_and_harms_nothing(api, free_class):
    name = "Robert'); DROP TABLE customers_client;--"
    response = book(api, free_class, name=name)
    assert response.status_code == 200
    assert Client.objects.get().name == name
    assert book(api, free_class, email="second@example.com").status_code == 200
    assert Client.objects.count() == 2


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_html_in_a_name_is_escaped_in_the_email_the_roster_and_the_portal(
    api, provider, free_class, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = book(api, free_class, name=HOSTILE)
    assert response.status_code == 200
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert HOSTILE in message.body  # the text part is plain text, shown as typed

    owner = factories.UserFactory()
    factories.MembershipFactory(user=owner, provider=provider, role=Membership.Role.OWNER)
    browser = BrowserClient()
    browser.force_login(owner)
    for page in (
        f"/dashboard/sessions/{free_class.public_id}/",
        f"/dashboard/customers/{Client.objects.get().public_id}/",
    ):
        content = browser.get(page).content.decode()
        assert "<script>alert" not in content, page
        assert "&lt;script&gt;" in content, page


def test_html_in_a_gift_message_is_escaped_in_the_gift_card_email(
    api, client, provider, fake_stripe, django_capture_on_commit_callbacks
):
    response = api.post(
        "/api/gift-cards/start",
        {
            "handle": provider.handle,
            "amountCents": 5000,
            "purchaserName": "Pat",
            "purchaserEmail": "pat@example.com",
            "giftMessage": f"Happy birthday!\n{HOSTILE}",
        },
        format="json",
    )
    assert response.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, completed_event(Payment.objects.get()))
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_an_oversized_json_body_gives_413_before_parsing(api, free_class, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = api.post(
        f"/api/classes/{free_class.public_id}/book",
        json.dumps({**CUSTOMER, "name": "x" * 5000}),
        content_type="application/json",
    )
    assert response.status_code == 413
    assert "error" in response.json()
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize(
    "payload",
    ["[" * 5000, '{"name": ' + "[" * 5000 + "]" * 5000 + "}", '{"a":' * 3000 + "1" + "}" * 3000],
    ids=["unclosed-arrays", "nested-field", "nested-objects"],
)
def test_json_nested_deeper_than_the_parser_can_go_gives_400_not_500(api, free_class, payload):
    assert len(payload) < 64 * 1024  # under the body limit: the parser itself must cope
    response = api.post(
        f"/api/classes/{free_class.public_id}/book", payload, content_type="application/json"
    )
    assert_refused(response, "nested too deeply")
    assert not Enrollment.objects.exists()


def test_deeply_nested_json_on_an_endpoint_without_a_key_gives_400(anon_api):
    response = anon_api.post(
        "/api/enrollments/enr-x/cancel", "[" * 5000, content_type="application/json"
    )
    assert_refused(response, "nested too deeply")
