"""Recorded events: every state change writes one `Event` row, then subscribers react.

`event_record(kind=..., provider=..., subject_id=...)` is called by a service inside the
transaction that makes the change, so the row commits or rolls back with it. The actor is
read from a context variable that each entry point sets: the API's key authentication
(partner key), the dashboard and admin (the signed-in user, via `ActorMiddleware`), customer
links (the customer), the Stripe webhook task (Stripe) and beat tasks (the scheduler).

Subscribers (`@event_subscriber("booking.confirmed")`) run after commit, each with the row
and the in-memory `refs` the service passed (internal ids, never stored). The emails that
follow a state change are subscribers; partner webhooks will be another.
"""

import contextvars
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Actor:
    kind: str  # an Event.ActorKind value
    user_id: int | None = None
    label: str = ""

    @classmethod
    def user(cls, user, *, admin: bool = False) -> "Actor":
        return cls("admin" if admin else "user", user_id=user.pk)

    @classmethod
    def customer(cls, public_id: str) -> "Actor":
        return cls("customer", label=public_id)

    @classmethod
    def partner_key(cls, public_id: str) -> "Actor":
        return cls("partner_key", label=public_id)

    @classmethod
    def stripe(cls, event_id: str = "") -> "Actor":
        return cls("stripe", label=event_id[:64])

    @classmethod
    def scheduler(cls, task: str = "") -> "Actor":
        return cls("scheduler", label=task[:64])


SYSTEM = Actor("system")
_current: contextvars.ContextVar[Actor] = contextvars.ContextVar("alera_actor", default=SYSTEM)


def actor_current() -> Actor:
    return _current.get()


def actor_set(actor: Actor) -> contextvars.Token:
    """Set the actor for the rest of this request or task; `actor_reset` with the token."""
    return _current.set(actor)


def actor_reset(token: contextvars.Token) -> None:
    _current.reset(token)


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


@dataclass(frozen=True)
class Recorded:
    """What a subscriber receives: the committed row and the service's in-memory refs."""

    event: object  # alera.models.Event
    refs: dict = field(default_factory=dict)


Subscriber = Callable[[Recorded], None]
_SUBSCRIBERS: dict[str, list[Subscriber]] = {}


def event_subscriber(*kinds: str) -> Callable[[Subscriber], Subscriber]:
    """Run the decorated function after the commit of every event of `kinds`."""

    def decorate(fn: Subscriber) -> Subscriber:
        for kind in kinds:
            _SUBSCRIBERS.setdefault(kind, []).append(fn)
        return fn

    return decorate


def _bound(subscriber: Subscriber, recorded: Recorded) -> Callable[[], None]:
    """The subscriber as a named callable: Django logs a robust callback's `__qualname__`."""

    def run() -> None:
        subscriber(recorded)

    run.__qualname__ = f"{subscriber.__qualname__}[{recorded.event.kind}]"
    return run


def event_record(
    *,
    kind: str,
    provider,
    subject_id: str,
    payload: dict | None = None,
    class_id: str = "",
    client_id: str = "",
    actor: Actor | None = None,
    refs: dict | None = None,
):
    """Write one event row for a state change (call inside its transaction) and schedule
    its subscribers for after commit.

    `payload` is small and uses the API's field names (`seatsLeft`, `refundedCents`, …);
    `actor` overrides the context's (a customer acting through their own link).
    """
    from alera.models import Event

    actor = actor or actor_current()
    event = Event.objects.create(
        provider_id=provider.pk if hasattr(provider, "pk") else provider,
        kind=kind,
        actor_kind=actor.kind,
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        subject_id=subject_id,
        class_id=class_id,
        client_id=client_id,
        payload=payload or {},
    )
    recorded = Recorded(event=event, refs=refs or {})
    for subscriber in _SUBSCRIBERS.get(kind, ()):
        # robust: a failing subscriber (a broker outage) is logged, never undoes the change.
        transaction.on_commit(_bound(subscriber, recorded), robust=True)
    return event


def acting(actor: Actor) -> Callable:
    """Decorate a task body: everything it records is by `actor` (Stripe, the scheduler)."""

    def decorate(fn: Callable) -> Callable:
        from functools import wraps

        @wraps(fn)
        def run(*args, **kwargs):
            with acting_as(actor):
                return fn(*args, **kwargs)

        return run

    return decorate
