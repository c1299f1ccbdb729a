"""What a payment buys is decided by the app that sells it.

Each kind registers `on_paid(payment)` and `on_expired(payment)`; they run inside the
transaction that moved the payment's status, exactly once per status change. A kind may also
register `on_refunded(refund)` and `on_refund_failed(refund)`, run inside the transaction
that books one of its `PaymentRefund` rows as succeeded (or reverses it), once per row.
"""

from collections.abc import Callable
from dataclasses import dataclass

from payments.models import Payment, PaymentRefund

Handler = Callable[[Payment], None]
RefundHandler = Callable[[PaymentRefund], None]


@dataclass(frozen=True)
class KindHandlers:
    on_paid: Handler
    on_expired: Handler | None = None
    on_refunded: RefundHandler | None = None
    on_refund_failed: RefundHandler | None = None


_HANDLERS: dict[str, KindHandlers] = {}


def register(
    kind: str,
    *,
    on_paid: Handler,
    on_expired: Handler | None = None,
    on_refunded: RefundHandler | None = None,
    on_refund_failed: RefundHandler | None = None,
) -> None:
    _HANDLERS[kind] = KindHandlers(on_paid, on_expired, on_refunded, on_refund_failed)


def handlers_for(kind: str) -> KindHandlers | None:
    return _HANDLERS.get(kind)
