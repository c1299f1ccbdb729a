"""What a payment buys is decided by the app that sells it.

Each kind registers `on_paid(payment)` and `on_expired(payment)`; they run inside the
transaction that moved the payment's status, exactly once per status change.
"""

from collections.abc import Callable
from dataclasses import dataclass

from payments.models import Payment

Handler = Callable[[Payment], None]


@dataclass(frozen=True)
class KindHandlers:
    on_paid: Handler
    on_expired: Handler | None = None
    on_refunded: Handler | None = None


_HANDLERS: dict[str, KindHandlers] = {}


def register(kind: str, *, on_paid: Handler, on_expired=None, on_refunded=None) -> None:
    _HANDLERS[kind] = KindHandlers(on_paid, on_expired, on_refunded)


def handlers_for(kind: str) -> KindHandlers | None:
    return _HANDLERS.get(kind)
