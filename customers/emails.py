"""One place for every email: a registry of builders, rendered from template pairs.

A service calls `email_queue("booking_confirmed", enrollment_id=...)` inside its
transaction; the Celery task runs after commit, loads fresh rows by id, renders
`templates/emails/<kind>.html` and `.txt` in the studio's time zone, and sends. A failing
mail server only makes the task retry; the booking is long committed.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from alera.timefmt import format_when

logger = logging.getLogger(__name__)


@dataclass
class Email:
    """What a builder returns: who gets it, the subject, and the template context."""

    to: list[str]
    subject: str
    context: dict
    provider: object = None  # accounts.Provider: name and time zone for rendering
    reply_to: list[str] = field(default_factory=list)
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


Builder = Callable[..., Email | None]
_BUILDERS: dict[str, Builder] = {}


def email_builder(kind: str) -> Callable[[Builder], Builder]:
    """Register the builder for one kind of email (`templates/emails/<kind>.{html,txt}`)."""

    def decorate(fn: Builder) -> Builder:
        _BUILDERS[kind] = fn
        return fn

    return decorate


def email_queue(kind: str, **ids) -> None:
    """Send `kind` after the current transaction commits (at once outside one).

    `robust=True`: a broker or mail failure is logged and never reaches the caller, whose
    booking is already committed.
    """
    if kind not in _BUILDERS:
        raise KeyError(f"No email builder registered for {kind!r}.")
    from customers.tasks import send_email

    transaction.on_commit(lambda: send_email.delay(kind, ids), robust=True)


def email_render(kind: str, ids: dict) -> EmailMultiAlternatives | None:
    """Build the message for `kind`; None when the builder decides there is nothing to send."""
    email = _BUILDERS[kind](**ids)
    if email is None or not email.to:
        return None
    provider = email.provider
    context = {"site_url": settings.SITE_URL, "provider": provider, **email.context}
    tz = provider.tz if provider is not None else timezone.get_current_timezone()
    with timezone.override(tz):
        text = render_to_string(f"emails/{kind}.txt", context)
        html = render_to_string(f"emails/{kind}.html", context)
    from_email = settings.DEFAULT_FROM_EMAIL
    if provider is not None:
        from_email = f"{provider.display_name} via Alera <{_address(settings.DEFAULT_FROM_EMAIL)}>"
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=text,
        from_email=from_email,
        to=email.to,
        reply_to=email.reply_to
        or ([provider.contact_email] if provider and provider.contact_email else None),
    )
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in email.attachments:
        message.attach(name, content, mimetype)
    return message


def email_send_now(kind: str, ids: dict) -> bool:
    """Render and send; the task's retry handles transport failures."""
    message = email_render(kind, ids)
    if message is None:
        return False
    message.send(fail_silently=False)
    logger.info("sent %s email to %d recipient(s)", kind, len(message.to))
    return True


def _address(from_header: str) -> str:
    return from_header.split("<")[-1].rstrip(">").strip()


# -- builders owned by the customers app ----------------------------------------------------


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
    from classes.models import ClassSession, Enrollment
    from customers.ical import calendar_feed_url
    from customers.services import portal_link
    from customers.tokens import Purpose, token_make

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
        subject=f"Reminder: {session.name_snapshot}, {format_when(starts, provider.tz)}",
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
