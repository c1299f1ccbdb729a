"""Reads of the activity log, always starting from one studio."""

from django.db.models import QuerySet

from alera.models import Event

# What the Activity page's filter offers, with the words owners read.
EVENT_KINDS: dict[str, str] = {
    "booking.held": "Seat held for payment",
    "booking.confirmed": "Booking confirmed",
    "booking.cancelled": "Booking cancelled",
    "booking.expired": "Hold expired",
    "booking.checked_in": "Checked in",
    "booking.no_show": "No-show",
    "booking.completed": "Attended",
    "waitlist.joined": "Joined the waitlist",
    "waitlist.promoted": "Promoted from the waitlist",
    "class.created": "Class scheduled",
    "class.edited": "Class edited",
    "class.cancelled": "Class cancelled",
    "pack.bought": "Pack bought",
    "pack.credit_used": "Pack credit used",
    "pack.credit_returned": "Pack credit returned",
    "pack.adjusted": "Pack credits adjusted",
    "pack.expired": "Pack expired",
    "gift_card.sold": "Gift card sold",
    "gift_card.redeemed": "Gift card redeemed",
    "tip.captured": "Tip received",
    "appointment.created": "Appointment booked",
    "appointment.completed": "Appointment completed",
    "appointment.no_show": "Appointment no-show",
    "appointment.cancelled": "Appointment cancelled",
    "api_key.minted": "API key created",
    "api_key.revoked": "API key revoked",
    "team.member_invited": "Team member invited",
    "settings.changed": "Settings changed",
    "stripe_event.reprocessed": "Stripe event reprocessed",
    "catalog.service_created": "Service created",
    "catalog.service_edited": "Service edited",
    "catalog.service_archived": "Service archived",
    "catalog.instructor_created": "Instructor added",
    "catalog.instructor_edited": "Instructor edited",
    "catalog.instructor_archived": "Instructor archived",
    "catalog.pack_type_created": "Pack type created",
    "catalog.pack_type_edited": "Pack type edited",
    "catalog.blackout_created": "Blackout added",
    "catalog.blackout_deleted": "Blackout removed",
}


def event_list(
    *, provider, kind: str = "", class_id: str = "", client_id: str = ""
) -> QuerySet[Event]:
    """The studio's events, newest first, optionally narrowed; one query per page (the
    acting user is joined)."""
    rows = Event.objects.filter(provider=provider).select_related("actor_user")
    if kind:
        rows = rows.filter(kind=kind)
    if class_id:
        rows = rows.filter(class_id=class_id)
    if client_id:
        rows = rows.filter(client_id=client_id)
    return rows.order_by("-occurred_at", "-pk")
