"""Emails of the accounts app: the staff invitation with a set-password link."""

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Membership, User
from alera.emails import Email, email_builder, email_send
from alera.events import Recorded, event_subscriber


@email_builder("staff_invite")
def staff_invite(*, membership_id: int, invited_by_id: int) -> Email | None:
    membership = (
        Membership.objects.select_related("user", "provider").filter(pk=membership_id).first()
    )
    if membership is None:
        return None
    user = membership.user
    inviter = User.objects.filter(pk=invited_by_id).first()
    # The token is made when the mail is rendered and dies once the password is set.
    path = reverse(
        "dash-password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return Email(
        to=[user.email],
        subject=f"You're invited to {membership.provider.display_name} on Alera",
        provider=membership.provider,
        context={
            "membership": membership,
            "inviter": inviter,
            "has_password": user.has_usable_password(),
            "path": path,
        },
    )


@event_subscriber("team.member_invited")
def email_on_invite(recorded: Recorded) -> None:
    email_send("staff_invite", **recorded.refs)
