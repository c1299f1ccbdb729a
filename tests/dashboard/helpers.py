"""Small builders for dashboard tests."""

from classes.models import Enrollment
from payments.models import Payment
from tests import factories


def paid_enrollment(session, *, amount_cents: int = 2000, **kw) -> Enrollment:
    """A confirmed booking paid by card through a paid Checkout on the studio's account."""
    payment = factories.PaymentFactory(
        provider=session.provider,
        amount_cents=amount_cents,
        status=Payment.Status.PAID,
        payment_intent_id=f"pi_test_{session.pk}_{Enrollment.objects.count()}",
    )
    return factories.EnrollmentFactory(
        class_session=session,
        paid_with=Enrollment.PaidWith.CARD,
        amount_paid_cents=amount_cents,
        payment=payment,
        **kw,
    )
