import datetime as dt

import pytest
import time_machine
from django.core import signing

import accounts.errors
import classes.errors
import customers.errors
import payments.errors
from alera import errors
from alera.api.errors import STATUS_FOR, status_for
from alera.tokens import Purpose, TokenExpired, TokenInvalid, token_make, token_read


def _subclasses(klass):
    for sub in klass.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_domain_error_has_one_family_in_the_status_table():
    assert {accounts.errors, classes.errors, customers.errors, payments.errors}  # loaded
    for klass in _subclasses(errors.DomainError):
        families = [k for k in klass.__mro__ if k in STATUS_FOR]
        assert families, klass
        assert klass.code != errors.DomainError.code, klass


def test_typed_token_errors_answer_the_contract_statuses():
    assert status_for(TokenExpired()) == 401
    assert TokenExpired().hints == {"expired": True}
    assert status_for(customers.errors.SignedOut()) == 401
    assert customers.errors.SignedOut().hints == {"signedOut": True}
    assert status_for(customers.errors.TokenForeignStudio()) == 403
    assert status_for(classes.errors.TipLinkInvalid("x")) == 403
    assert status_for(classes.errors.ClassFull()) == 409
    assert status_for(errors.Busy()) == 503


def test_the_domain_layer_imports_no_http_framework():
    with open(errors.__file__) as module:
        source = module.read()
    assert "rest_framework" not in source
    assert "django.http" not in source


def test_a_token_carries_its_own_issue_time():
    moment = dt.datetime(2026, 5, 1, 12, 0, 7, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        token = token_make(Purpose.CUSTOMER, record_id="cl-1", provider_id="prov-1")
        data = token_read(Purpose.CUSTOMER, token)
    assert data.issued_at == moment
    assert signing.loads(token, salt="alera.token.customer")["t"] == int(moment.timestamp())


def test_an_old_token_without_issue_time_reads_as_issued_at_the_epoch():
    token = signing.dumps({"r": "cl-1", "p": "prov-1"}, salt="alera.token.customer")
    assert token_read(Purpose.CUSTOMER, token).issued_at == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def test_an_expired_token_is_a_typed_invalid_token():
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False):
        token = token_make(Purpose.TIP, record_id="ap-1", provider_id="prov-1")
    with (
        time_machine.travel(dt.datetime(2026, 2, 1, tzinfo=dt.UTC)),
        pytest.raises(TokenExpired) as refused,
    ):
        token_read(Purpose.TIP, token)
    assert isinstance(refused.value, TokenInvalid)
    assert refused.value.expired
