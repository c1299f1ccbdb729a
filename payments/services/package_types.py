"""The class packs a studio sells. Packs already sold keep their own count and expiry."""

from django.db import transaction

from accounts.models import Provider
from payments.models import PackageType

FIELDS = ("name", "sessions", "price_cents", "validity_days", "active")


@transaction.atomic
def package_type_create(
    *,
    provider: Provider,
    name: str,
    sessions: int,
    price_cents: int,
    validity_days: int,
    active: bool = True,
) -> PackageType:
    """A new pack on sale (or drafted, with active=False)."""
    package_type = PackageType(
        provider=provider,
        name=name.strip(),
        sessions=sessions,
        price_cents=price_cents,
        validity_days=validity_days,
        active=active,
    )
    package_type.full_clean()
    package_type.save()
    return package_type


@transaction.atomic
def package_type_update(*, package_type: PackageType, **fields) -> PackageType:
    """Change a pack's terms for future sales; sold packs are not touched."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"Unknown field(s): {', '.join(sorted(unknown))}")
    locked = PackageType.objects.select_for_update().get(pk=package_type.pk)
    for name, value in fields.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked.full_clean()
    locked.save(update_fields=list(fields))
    return locked
