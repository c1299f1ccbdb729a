"""Email builders owned by the customers app (sign-in links, class reminders)."""

from django.conf import settings
from django.utils import timezone

from alera.emails import Email, email_builder


@email_builder("magic_link")
def build_magic_link(*, client_id: int, link: str) -> Email | None:
    from customers.models import Client

    client = Client.objects.select_related("provider").filter(pk=client_id).first()
    if client is None:
        return None
    provider = client.provider
    return Email(
        to=[client.email],
        subject=f"Your sign-in link for {provider.display_name}",
        context={"client": client, "link": link},
        provider=provider,
    )


@email_builder("class_reminder")
def build_class_reminder(*, enrollment_id: int) -> Email | None:
    from alera.tokens import Purpose, token_make
    from classes.models import ClassSession, Enrollment
    from customers.ical import calendar_feed_url
    from customers.services import portal_link

    enrollment = (
        Enrollment.objects.select_related(
            "client", "provider", "class_session", "class_session__instructor"
        )
        .filter(pk=enrollment_id)
        .first()
    )
    if (
        enrollment is None
        or enrollment.status != Enrollment.Status.CONFIRMED
        or enrollment.class_session.status != ClassSession.Status.SCHEDULED
    ):
        return None
    provider = enrollment.provider
    session = enrollment.class_session
    cancel_token = token_make(
        Purpose.CANCEL, record_id=enrollment.public_id, provider_id=provider.public_id
    )
    starts = timezone.localtime(session.scheduled_at, provider.tz)
    return Email(
        to=[enrollment.client.email],
        subject=f"Reminder: {session.name_snapshot} on {starts:%a %b} {starts.day} "
        f"at {starts:%-I:%M %p}",
        context={
            "client": enrollment.client,
            "enrollment": enrollment,
            "session": session,
            "starts": starts,
            "cancel_url": f"{settings.SITE_URL}/me/cancel/{cancel_token}",
            "portal_url": portal_link(origin=settings.SITE_URL, client=enrollment.client),
            "calendar_url": calendar_feed_url(client=enrollment.client),
        },
        provider=provider,
    )
