"""Celery entry points of the booking engine: thin wrappers that take ids and call services."""

from celery import shared_task

from alera.events import Actor, acting
from classes.services.holds import holds_release_expired
from classes.services.waitlist import waitlist_auto_fill


@shared_task
@acting(Actor.scheduler("release_expired_holds"))
def release_expired_holds() -> int:
    """Beat, every minute: free seats whose Checkout can no longer be paid."""
    return holds_release_expired()


@shared_task
@acting(Actor.scheduler("fill_waitlist"))
def fill_waitlist(session_id: int) -> int:
    """A seat opened in a studio on the auto policy: promote the waitlist into it."""
    return len(waitlist_auto_fill(session_id=session_id).promoted)
