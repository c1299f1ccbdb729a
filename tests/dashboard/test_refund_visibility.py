"""The owner sees a refund Alera owes while Stripe has not made it yet: on the roster and on
the customer's page, and only for their own studio."""

import pytest

from classes.models import Enrollment
from payments.models import Payment, PaymentRefund
from tests import factories
from tests.dashboard.conftest import logged_in

pytestmark = pytest.mark.django_db


def _owed(studio, *, status=PaymentRefund.Status.PENDING, kind=Payment.Kind.ENROLLMENT):
    """A late payer's cancelled booking whose refund is owed (or in another state)."""
    payment = factories.PaymentFactory(
        provider=studio.provider, kind=kind, status=Payment.Status.PAID, payment_intent_id="pi_x"
    )
    enrollment = factories.EnrollmentFactory(
        class_session=studio.session,
        client=factories.ClientFactory(provider=studio.provider, name="Late Lou"),
        status=Enrollment.Status.CANCELLED,
        cancelled_by="system",
        paid_with=Enrollment.PaidWith.CARD,
        payment=payment,
    )
    return PaymentRefund.objects.create(
        provider=studio.provider,
        payment=payment,
        client=enrollment.client,
        enrollment=enrollment,
        reason=PaymentRefund.Reason.UNSEATED,
        status=status,
        amount_cents=2000,
        attempts=3,
    )


def test_the_roster_marks_a_booking_whose_refund_is_pending(owner_client, studio):
    owed = _owed(studio)
    html = owner_client.get(f"/dashboard/sessions/{studio.session.public_id}/").content.decode()
    row = html.split(f'data-enrollment="{owed.enrollment.public_id}"')[1].split("</tr>")[0]
    assert 'data-testid="refund-pending"' in row
    other_row = html.split(f'data-enrollment="{studio.enrollment.public_id}"')[1].split("</tr>")[0]
    assert "Refund pending" not in other_row


def test_the_roster_drops_the_mark_once_the_refund_is_made(owner_client, studio):
    _owed(studio, status=PaymentRefund.Status.SUCCEEDED)
    html = owner_client.get(f"/dashboard/sessions/{studio.session.public_id}/").content.decode()
    assert "Refund pending" not in html


def test_the_customer_page_lists_their_refunds_with_pending_ones_marked(owner_client, studio):
    owed = _owed(studio)
    html = owner_client.get(f"/dashboard/customers/{owed.client.public_id}/").content.decode()
    assert 'data-testid="refund-pending"' in html  # on the booking
    refunds = html.split('id="refunds"')[1].split("</table>")[0]
    assert f'data-refund="{owed.public_id}"' in refunds
    assert "$20.00" in refunds
    assert "Paid after the seat was gone" in refunds
    assert "Refund pending" in refunds
    assert "3 attempts so far" in refunds


def test_a_pending_tip_refund_shows_on_the_customer_page(owner_client, studio):
    payment = factories.PaymentFactory(
        provider=studio.provider, kind=Payment.Kind.TIP, status=Payment.Status.PAID
    )
    owed = PaymentRefund.objects.create(
        provider=studio.provider,
        payment=payment,
        client=studio.client,
        reason=PaymentRefund.Reason.DUPLICATE_TIP,
        amount_cents=700,
    )
    html = owner_client.get(f"/dashboard/customers/{studio.client.public_id}/").content.decode()
    refunds = html.split('id="refunds"')[1].split("</table>")[0]
    assert f'data-refund="{owed.public_id}"' in refunds
    assert "Second tip for one visit (tip)" in refunds
    assert "$7.00" in refunds


def test_another_studios_owner_sees_none_of_it(studio, other_studio):
    owed = _owed(studio)
    outsider = logged_in(other_studio.owner)
    assert outsider.get(f"/dashboard/customers/{owed.client.public_id}/").status_code == 404
    html = outsider.get(f"/dashboard/customers/{other_studio.client.public_id}/").content.decode()
    assert owed.public_id not in html
    assert 'id="refunds"' not in html


def test_the_roster_query_count_does_not_grow_with_pending_refunds(
    owner_client, studio, django_assert_max_num_queries
):
    for _ in range(5):
        _owed(studio)
    with django_assert_max_num_queries(9):
        owner_client.get(f"/dashboard/sessions/{studio.session.public_id}/")


def test_the_customer_page_query_count_does_not_grow_with_refunds(owner_client, studio):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    owed = _owed(studio)
    url = f"/dashboard/customers/{owed.client.public_id}/"
    with CaptureQueriesContext(connection) as one:
        owner_client.get(url)
    for _ in range(4):
        PaymentRefund.objects.create(
            provider=studio.provider,
            payment=owed.payment,
            client=owed.client,
            enrollment=owed.enrollment,
            reason=PaymentRefund.Reason.UNSEATED,
            amount_cents=100,
        )
    with CaptureQueriesContext(connection) as five:
        html = owner_client.get(url).content.decode()
    assert html.count("data-refund=") == 5
    assert len(five.captured_queries) == len(one.captured_queries)
