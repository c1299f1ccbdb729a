"""Refusals of the accounts app, as domain errors."""

from alera.errors import Conflict


class LastOwner(Conflict):
    """Demoting the studio's only owner would leave nobody to manage keys and payouts."""

    code = "last_owner"
