"""Refusals of the customers app (tokens and sign-in), as domain errors."""

from alera.errors import Forbidden, InvalidRequest, NotAuthenticated, NotFound


class TokenForeignStudio(Forbidden):
    code = "token_foreign_studio"
    default_message = "This customer token belongs to another studio."


class CustomerGone(NotFound):
    code = "customer_gone"
    default_message = "This customer no longer exists."


class SignedOut(NotAuthenticated):
    code = "signed_out"
    default_message = "You signed out, so this link no longer works."
    default_hints = {"signedOut": True}


class OriginNotAllowed(InvalidRequest):
    code = "origin_not_allowed"
