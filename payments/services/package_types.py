"""The class packs a studio sells. Packs already sold keep their own count and expiry."""

from django.db import transaction

from accounts.models import Provider
from alera.events import event_record
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
    _event("created", package_type)
    return package_type


def _event(kind: str, package_type: PackageType, fields: list[str] | None = None) -> None:
    payload = {"name": package_type.name, "priceCents": package_type.price_cents}
    event_record(
        kind=f"catalog.pack_type_{kind}",
        provider=package_type.provider_id,
        subject_id=package_type.public_id,
        payload={**payload, **({"fields": sorted(fields)} if fields else {})},
    )


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
    _event("edited", locked, list(fields))
    return locked
