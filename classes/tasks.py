"""Celery entry points of the booking engine: thin wrappers that take ids and call services."""

from celery import shared_task

from alera.events import Actor, acting
from classes.services.holds import holds_release_expired
from classes.services.reminders import class_reminders_send
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


@shared_task(name="customers.tasks.send_class_reminders")  # the name beat schedules already use
@acting(Actor.scheduler("send_class_reminders"))
def send_class_reminders() -> int:
    """Beat, every 5 minutes: remind each confirmed seat once, about 24 hours ahead."""
    return class_reminders_send()
