"""Roster actions on a confirmed booking: check in, mark no-show, mark completed.

Each is one conditional UPDATE on the booking's status, so a double click or two staff
members at once change it exactly once; the loser gets a clear error.
"""

from django.db import transaction
from django.utils import timezone

from classes.errors import BookingNotConfirmed
from classes.models import Enrollment
from classes.services.common import enrollment_event


def _move(enrollment: Enrollment, kind: str, **changes) -> Enrollment:
    updated = Enrollment.objects.filter(
        pk=enrollment.pk, status=Enrollment.Status.CONFIRMED
    ).update(**changes)
    enrollment.refresh_from_db()
    if not updated:
        raise BookingNotConfirmed(
            f"This booking is {enrollment.get_status_display().lower()}, not confirmed."
        )
    enrollment_event(kind, enrollment)
    return enrollment


@transaction.atomic
def enrollment_check_in(*, enrollment: Enrollment) -> Enrollment:
    """The customer arrived: stamp the check-in; the seat stays confirmed."""
    if enrollment.checked_in_at is not None and enrollment.status == Enrollment.Status.CONFIRMED:
        return enrollment
    return _move(enrollment, "checked_in", checked_in_at=timezone.now())


@transaction.atomic
def enrollment_mark_no_show(*, enrollment: Enrollment) -> Enrollment:
    """The customer did not come: no refund, and the booking can no longer be cancelled."""
    return _move(enrollment, "no_show", status=Enrollment.Status.NO_SHOW)


@transaction.atomic
def enrollment_complete(*, enrollment: Enrollment) -> Enrollment:
    """The customer attended: the booking is closed."""
    now = timezone.now()
    changes = {"status": Enrollment.Status.COMPLETED}
    if enrollment.checked_in_at is None:
        changes["checked_in_at"] = now
    return _move(enrollment, "completed", **changes)
