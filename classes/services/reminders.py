"""Class reminders: one email per confirmed seat, about 24 hours before its class.

They belong to the booking engine (the seat is its row); the once-only claim is a
`customers.ReminderLog` row, unique per enrollment.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from alera.emails import email_queue
from classes.models import ClassSession, Enrollment
from customers.models import ReminderLog

# Reminders go out once a class is at most this far away...
REMINDER_LEAD = dt.timedelta(hours=24)
# ...and not for a class so close that a reminder is only noise.
REMINDER_MIN_LEAD = dt.timedelta(hours=1)


def class_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Queue the 24-hour reminder for every confirmed seat in a class starting soon, once each.

    The ReminderLog row (unique per enrollment) is written in the same transaction as the
    queued email, so overlapping beat runs or workers never remind anyone twice.
    """
    now = now or timezone.now()
    due = (
        Enrollment.objects.filter(
            status=Enrollment.Status.CONFIRMED,
            class_session__status=ClassSession.Status.SCHEDULED,
            class_session__scheduled_at__gt=now + REMINDER_MIN_LEAD,
            class_session__scheduled_at__lte=now + REMINDER_LEAD,
            reminder_log__isnull=True,
        )
        .order_by("class_session__scheduled_at", "pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for enrollment_id in list(due):
        if _reminder_claim(enrollment_id=enrollment_id):
            sent += 1
    return sent


def _reminder_claim(*, enrollment_id: int) -> bool:
    try:
        with transaction.atomic():
            ReminderLog.objects.create(enrollment_id=enrollment_id)
            email_queue("class_reminder", enrollment_id=enrollment_id)
    except IntegrityError:
        # Another run claimed it between our read and our insert.
        return False
    return True
