"""Customer tasks: the class reminder beat (email delivery itself is `alera.tasks`)."""

from celery import shared_task

from alera.events import Actor, acting
from customers.services import class_reminders_send


@shared_task
@acting(Actor.scheduler("send_class_reminders"))
def send_class_reminders() -> int:
    """Beat, every 5 minutes: remind each confirmed seat once, about 24 hours ahead."""
    return class_reminders_send()
