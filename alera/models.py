"""The activity log: one row per state change, written by `alera.events.event_record`."""

from django.conf import settings
from django.db import models

from alera.ids import PublicIdField


class Event(models.Model):
    """Who did what to which record of a studio, and when. Append-only: the app never edits
    or deletes a row (the admin shows it read-only)."""

    class ActorKind(models.TextChoices):
        USER = "user", "Owner or staff"
        ADMIN = "admin", "Alera staff (admin)"
        CUSTOMER = "customer", "Customer"
        PARTNER_KEY = "partner_key", "Partner API key"
        STRIPE = "stripe", "Stripe"
        SCHEDULER = "scheduler", "Scheduler"
        SYSTEM = "system", "System"

    public_id = PublicIdField("evt")
    # A string reference: the tenant table, without importing the accounts app.
    provider = models.ForeignKey("accounts.Provider", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=48)
    occurred_at = models.DateTimeField(auto_now_add=True)
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What names the actor when no user does: a key's, customer's or Stripe event's id.
    actor_label = models.CharField(max_length=64, blank=True)
    subject_id = models.CharField(max_length=64, help_text="Public id of the record changed.")
    class_id = models.CharField(max_length=32, blank=True, help_text="The class it concerns.")
    client_id = models.CharField(max_length=32, blank=True, help_text="The customer it concerns.")
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["provider", "-occurred_at", "-id"], name="event_studio_recent"),
            models.Index(fields=["provider", "kind", "-occurred_at"], name="event_studio_kind"),
            models.Index(fields=["provider", "class_id"], name="event_studio_class"),
            models.Index(fields=["provider", "client_id"], name="event_studio_client"),
            models.Index(fields=["subject_id"], name="event_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id} by {self.actor_kind}"

    @property
    def actor_display(self) -> str:
        if self.actor_user_id is not None and self.actor_user is not None:
            return self.actor_user.email
        label = self.get_actor_kind_display()
        return f"{label} {self.actor_label}" if self.actor_label else label
