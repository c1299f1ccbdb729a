"""State changes for tenants, members and API keys."""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.cors import cors_origins_invalidate
from accounts.errors import LastOwner
from accounts.images import avatar_image_from_upload
from accounts.models import ApiKey, Membership, Provider, ProviderAvatar, User
from accounts.origins import normalize_origin
from alera.events import event_record

KEY_PREFIX_LENGTH = 10
# alr_<handle>_<secret>: a handle is a slug, a secret is `secrets.token_urlsafe` output.
_KEY_SHAPE = re.compile(rf"alr_([a-z0-9-]+)_([A-Za-z0-9_-]{{{KEY_PREFIX_LENGTH},}})")


@dataclass(frozen=True)
class MintedKey:
    api_key: ApiKey
    plaintext: str  # shown once, never stored


def _hash_secret(secret: str) -> str:
    # The secret carries 256 random bits, so a fast hash is as strong as a slow one here.
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def provider_create(
    *,
    handle: str,
    display_name: str,
    timezone_name: str = "America/Chicago",
    owner: User | None = None,
    **fields,
) -> Provider:
    """Create a studio and, when given, make `owner` its owner."""
    provider = Provider(
        handle=handle.strip().lower(),
        display_name=display_name.strip(),
        timezone=timezone_name,
        **fields,
    )
    provider.full_clean()
    provider.save()
    if owner is not None:
        membership_add(provider=provider, user=owner, role=Membership.Role.OWNER)
    return provider


def membership_add(*, provider: Provider, user: User, role: str) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        provider=provider, user=user, defaults={"role": role}
    )
    return membership


def api_key_mint(
    *, provider: Provider, name: str, origins: list[str], secret: str | None = None
) -> MintedKey:
    """Mint a key for `provider`. The plaintext exists only in the returned value.

    `secret` is for the demo seed only, which derives a stable key from SECRET_KEY so that
    re-running it prints the same key instead of minting another.
    """
    name = (name or "").strip() or "API key"
    if len(name) > 80:
        raise ValidationError("A key name is at most 80 characters.")
    normalized = sorted({normalize_origin(o) for o in origins if o and o.strip()})
    if not normalized:
        raise ValidationError("A key needs at least one allowed origin (https://your-site.com).")
    for _ in range(5):
        secret = secret or secrets.token_urlsafe(32)
        try:
            with transaction.atomic():
                api_key = ApiKey.objects.create(
                    provider=provider,
                    name=name,
                    prefix=secret[:KEY_PREFIX_LENGTH],
                    secret_hash=_hash_secret(secret),
                    allowed_origins=normalized,
                )
                _key_event("minted", api_key)
        except IntegrityError:  # prefix collision: draw again
            secret = None
            continue
        cors_origins_invalidate()  # browsers on its origins may call the API at once
        return MintedKey(api_key=api_key, plaintext=f"alr_{provider.handle}_{secret}")
    raise RuntimeError("Could not draw a unique key prefix.")


def _key_event(kind: str, api_key: ApiKey) -> None:
    # A key has no public id; its lookup prefix is what the dashboard already shows.
    event_record(
        kind=f"api_key.{kind}",
        provider=api_key.provider_id,
        subject_id=f"key-{api_key.prefix}",
        payload={"name": api_key.name, "allowedOrigins": api_key.allowed_origins},
    )


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Revoke at once: authentication reads the database on every request, and the CORS
    origin set is dropped so its origins stop getting CORS headers (unless another live key
    still allows them)."""
    revoked = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        _key_event("revoked", api_key)
    cors_origins_invalidate()
    api_key.refresh_from_db(fields=["revoked_at"])
    return api_key


def api_key_lookup(plaintext: str) -> ApiKey | None:
    """The live key matching `plaintext`, compared in constant time; None when unknown.

    Anything not shaped like a key is refused before the database: a NUL in it made
    PostgreSQL raise, and a non-ASCII handle made `compare_digest` raise (both a 500).
    """
    shape = _KEY_SHAPE.fullmatch(plaintext or "")
    if shape is None:
        return None
    handle, secret = shape.group(1), shape.group(2)
    api_key = (
        ApiKey.objects.select_related("provider")
        .filter(prefix=secret[:KEY_PREFIX_LENGTH], revoked_at__isnull=True)
        .first()
    )
    if api_key is None:
        return None
    if not hmac.compare_digest(api_key.secret_hash, _hash_secret(secret)):
        return None
    if not hmac.compare_digest(api_key.provider.handle, handle):
        return None
    return api_key


def api_key_touch(*, api_key: ApiKey) -> None:
    """Record use, at most once a minute per key so hot keys don't write on every call."""
    now = timezone.now()
    if api_key.last_used_at and (now - api_key.last_used_at).total_seconds() < 60:
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now


# -- dashboard: sign-up, studio settings, team --------------------------------------------

PROVIDER_SETTINGS_FIELDS = (
    "display_name",
    "handle",
    "timezone",
    "bio",
    "gift_card_validity_months",
    "contact_email",
    "location",
    "default_cancel_window_hours",
    "waitlist_auto_confirm",
)


@transaction.atomic
def user_signup(*, email: str, password: str, name: str = "") -> User:
    """A new dashboard user; the password must pass the site's password validators."""
    from django.contrib.auth.password_validation import validate_password

    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "An account with this email already exists."})
    user = User(email=email, name=name.strip())
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def provider_settings_update(*, provider: Provider, **fields) -> Provider:
    """Change a studio's public profile and defaults; the handle stays unique and valid."""
    unknown = set(fields) - set(PROVIDER_SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"Not a studio setting: {', '.join(sorted(unknown))}")
    locked = Provider.objects.select_for_update().get(pk=provider.pk)
    for name, value in fields.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked.handle = locked.handle.lower()
    locked.full_clean()
    locked.save(update_fields=list(fields))
    _settings_event(locked, sorted(fields))
    return locked


def _settings_event(provider: Provider, fields: list[str]) -> None:
    event_record(
        kind="settings.changed",
        provider=provider.pk,
        subject_id=provider.public_id,
        payload={"fields": fields},
    )


def provider_avatar_set(
    *, provider: Provider, upload: BinaryIO, size: int | None = None
) -> Provider:
    """Make the uploaded image the studio's avatar (re-encoded, ≤ 512 px, metadata dropped).

    A picture that can't be read is a ValidationError and changes nothing. The previous
    avatar is deleted: partners pick up the new `avatarKey`/`avatarUrl` on their next call.
    """
    image = avatar_image_from_upload(upload, size=size)  # decoding happens outside the lock
    key = f"providers/{provider.public_id}/avatar-{image.digest[:20]}.{image.extension}"
    with transaction.atomic():
        locked = Provider.objects.select_for_update().get(pk=provider.pk)
        ProviderAvatar.objects.filter(provider=locked).exclude(key=key).delete()
        ProviderAvatar.objects.get_or_create(
            key=key,
            defaults={
                "provider": locked,
                "content_type": image.content_type,
                "data": image.data,
                "width": image.width,
                "height": image.height,
            },
        )
        locked.avatar_key = key
        locked.save(update_fields=["avatar_key"])
        _settings_event(locked, ["avatar_key"])
    return locked


@transaction.atomic
def provider_avatar_remove(*, provider: Provider) -> Provider:
    """Take the studio's avatar down (an owner's choice, or staff removing an unsuitable one)."""
    locked = Provider.objects.select_for_update().get(pk=provider.pk)
    ProviderAvatar.objects.filter(provider=locked).delete()
    locked.avatar_key = ""
    locked.save(update_fields=["avatar_key"])
    _settings_event(locked, ["avatar_key"])
    return locked


@transaction.atomic
def staff_invite(*, provider: Provider, email: str, role: str, invited_by: User) -> Membership:
    """Add a person to the studio and email them a link to set their password.

    An existing user keeps their password and is simply added (or has their role changed);
    a new one gets an account with no usable password until they follow the link. The studio's
    last owner can't be made staff: nobody could then manage its keys, payouts or team. The
    owner rows are locked so two concurrent demotions can't each leave the other as the last.
    """

    if role not in Membership.Role.values:
        raise ValidationError({"role": "Choose owner or staff."})
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and role != Membership.Role.OWNER:
        owners = list(
            Membership.objects.select_for_update()
            .filter(provider=provider, role=Membership.Role.OWNER)
            .values_list("user_id", flat=True)
        )
        if owners == [user.pk]:
            raise LastOwner(
                f"{user.email} is the studio's only owner: make someone else an owner first.",
                field="role",
            )
    if user is None:
        user = User(email=email)
        user.set_unusable_password()
        user.full_clean()
        user.save()
    membership = membership_add(provider=provider, user=user, role=role)
    event_record(
        kind="team.member_invited",
        provider=provider.pk,
        subject_id=user.email,
        payload={"email": user.email, "role": role},
        refs={"membership_id": membership.pk, "invited_by_id": invited_by.pk},
    )
    return membership
