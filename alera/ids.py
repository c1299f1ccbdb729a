"""Public ids: prefixed, random, opaque (`class-7a2cq9x4k1mz`), never a row count."""

import secrets

from django.db import models
from django.utils.deconstruct import deconstructible

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case


def random_suffix(length: int = 12) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


@deconstructible
class PrefixedId:
    """Default callable for a public id column (deconstructible so migrations can name it)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self) -> str:
        return f"{self.prefix}-{random_suffix()}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PrefixedId) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


def PublicIdField(prefix: str) -> models.CharField:
    return models.CharField(max_length=32, unique=True, editable=False, default=PrefixedId(prefix))
