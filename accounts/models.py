"""Users, providers (the tenants), memberships and API keys."""

import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from alera.ids import PublicIdField

HANDLE_RE = r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$"
validate_handle = RegexValidator(
    HANDLE_RE,
    "A handle is 1-50 lower-case letters, digits and inner hyphens (like sculpt-co).",
)


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone (like America/Chicago).")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in to the dashboard (studio owner/staff) or the admin (Alera staff)."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can log in to the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.email


class Provider(models.Model):
    """A studio: the tenant every other record belongs to.

    `waitlist_auto_confirm` is the studio's auto-confirm policy. The public contract already
    fixes when a booking confirms (free and pack at once, paid on payment), so the policy is
    only about the waitlist when a seat opens: off (the default) the owner is emailed and
    promotes from the roster; on, Alera promotes the next waiting customers in queue order
    itself. A boolean rather than a choices field because there are exactly two policies and
    an unticked box is the safe default.
    """

    public_id = PublicIdField("prov")
    handle = models.CharField(max_length=50, unique=True, validators=[validate_handle])
    display_name = models.CharField(max_length=120)
    timezone = models.CharField(
        max_length=64, default="America/Chicago", validators=[validate_timezone]
    )
    bio = models.TextField(blank=True)
    avatar_key = models.CharField(max_length=255, blank=True)
    contact_email = models.EmailField(blank=True)
    location = models.CharField(max_length=255, blank=True)
    default_cancel_window_hours = models.PositiveIntegerField(default=24)
    waitlist_auto_confirm = models.BooleanField(
        "auto-confirm the waitlist",
        default=False,
        help_text="When a seat opens, promote the next waiting customers automatically "
        "instead of emailing the owner to promote them by hand.",
    )
    stripe_account_id = models.CharField(max_length=64, blank=True, db_index=True)
    stripe_charges_enabled = models.BooleanField(default=False)
    stripe_details_submitted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # How long a gift card sold from now on stays valid; empty: it never expires.
    gift_card_validity_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Months a gift card sold from now on can be redeemed; empty = never expires. "
        "US federal law (the CARD Act) requires at least 60 months, and some states forbid "
        "expiry entirely.",
    )

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.handle})"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def avatar_path(self) -> str | None:
        """Where our own pages load the avatar from: same-origin, whatever host they were
        opened on (the CSP allows images from 'self' only)."""
        return f"/media/{self.avatar_key}" if self.avatar_key else None

    @property
    def avatar_url(self) -> str | None:
        """The avatar's absolute URL (`accounts.media`), for partners and emails."""
        if not self.avatar_key:
            return None
        from django.conf import settings

        return f"{settings.SITE_URL}{self.avatar_path}"

    @property
    def can_take_payments(self) -> bool:
        return bool(self.stripe_account_id) and self.stripe_charges_enabled


class Membership(models.Model):
    """A user's role in one provider. Staff run classes; owners also manage keys and money."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        STAFF = "staff", "Staff"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.OWNER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "provider"], name="uniq_membership")]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.provider.handle}"


class ApiKey(models.Model):
    """A partner's tenant key. Only a lookup prefix and a SHA-256 of the secret are stored."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    allowed_origins = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"
        verbose_name_plural = "API keys"

    def __str__(self) -> str:
        return f"{self.name} ({self.display_prefix})"

    @property
    def display_prefix(self) -> str:
        return f"alr_{self.provider.handle}_{self.prefix}…"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class ProviderAvatar(models.Model):
    """A studio's avatar image, re-encoded by `accounts.images`.

    Kept in the database rather than on a web process's disk: every process behind the load
    balancer can serve it and backups carry it. It is small (≤ 512 px, tens of KB). The key is
    content-addressed (`providers/<studio id>/avatar-<sha256>.<ext>`), so it is served as
    immutable and a new upload is a new URL.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="avatars")
    key = models.CharField(max_length=255, unique=True)
    content_type = models.CharField(max_length=32)
    data = models.BinaryField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
