"""Two tip starts for one visit at once, on real threads against PostgreSQL: one Checkout."""

import threading

from django.db import connection
from django.utils import timezone

from alera.api.errors import ApiError
from classes.models import Appointment
from payments.models import Payment
from payments.services.tips import tip_checkout_start
from tests import factories
from tests.concurrency import POSTGRES_CONCURRENCY

pytestmark = POSTGRES_CONCURRENCY


def test_a_start_racing_one_whose_checkout_is_at_stripe_is_a_409_then_gets_that_checkout(
    provider, fake_stripe
):
    visit = factories.AppointmentFactory(
        provider=provider, status=Appointment.Status.COMPLETED, completed_at=timezone.now()
    )
    gate = fake_stripe.hold("/v1/checkout/sessions")
    opened: list[Payment] = []

    def first():
        try:
            opened.append(tip_checkout_start(appointment=visit, amount_cents=500))
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert gate.reached.wait(30)  # the first start's Payment is committed, Stripe is slow
    racing_error = None
    try:
        tip_checkout_start(appointment=visit, amount_cents=700)
    except ApiError as exc:
        racing_error = exc
    gate.release()
    thread.join(60)

    assert racing_error is not None
    assert racing_error.status_code == 409
    (payment,) = opened
    again = tip_checkout_start(appointment=visit, amount_cents=700)
    assert again.pk == payment.pk
    assert again.checkout_url == payment.checkout_url
    assert Payment.objects.filter(kind=Payment.Kind.TIP).count() == 1
    assert len(fake_stripe.calls("/v1/checkout/sessions")) == 1
