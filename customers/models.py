"""Customers of a studio. A person booking two studios is two clients."""

import secrets

from django.db import models

from alera.ids import PublicIdField


def new_calendar_secret() -> str:
    return secrets.token_urlsafe(24)


class Client(models.Model):
    public_id = PublicIdField("cli")
    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.CASCADE, related_name="clients"
    )
    name = models.CharField(max_length=120)
    email = models.EmailField(help_text="Stored lower-case; unique per studio.")
    phone = models.CharField(max_length=20, blank=True, help_text="Digits only, E.164-like.")
    # Random per client and rotatable: the only secret in a calendar feed URL.
    calendar_secret = models.CharField(max_length=64, unique=True, default=new_calendar_secret)
    # Signing out of the portal sets this: customer tokens signed at or before this second
    # (signing timestamps are whole seconds) stop working. Cancel and tip links don't care.
    tokens_valid_after = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "email"], name="uniq_client_email")
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def signed_out_since(self, issued_at) -> bool:
        """True when a portal token issued at `issued_at` predates the client's sign-out."""
        return self.tokens_valid_after is not None and issued_at <= self.tokens_valid_after


class ReminderLog(models.Model):
    """One row per enrollment reminded, so the beat task never sends a reminder twice."""

    enrollment = models.OneToOneField(
        "classes.Enrollment", on_delete=models.CASCADE, related_name="reminder_log"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"reminder for {self.enrollment_id} at {self.sent_at:%Y-%m-%d %H:%M}Z"
