import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from accounts.models import ApiKey
from accounts.origins import normalize_origin
from accounts.services import api_key_lookup, api_key_mint

pytestmark = pytest.mark.django_db


def test_minted_key_plaintext_is_never_stored(provider):
    minted = api_key_mint(provider=provider, name="Site", origins=["https://a.example"])
    secret = minted.plaintext.split("_", 2)[2]
    assert minted.plaintext.startswith("alr_sculpt-co_")
    assert len(secret) >= 43  # 32 random bytes
    row = ApiKey.objects.values().get(pk=minted.api_key.pk)
    assert not any(secret in str(value) for value in row.values())
    assert row["secret_hash"] != secret


def test_minted_key_authenticates_and_a_tampered_one_does_not(provider):
    minted = api_key_mint(provider=provider, name="Site", origins=["https://a.example"])
    assert api_key_lookup(minted.plaintext) == minted.api_key
    assert (
        api_key_lookup(minted.plaintext[:-1] + ("A" if minted.plaintext[-1] != "A" else "B"))
        is None
    )


def test_key_needs_at_least_one_valid_origin(provider):
    with pytest.raises(ValidationError):
        api_key_mint(provider=provider, name="Site", origins=[])
    with pytest.raises(ValidationError):
        api_key_mint(provider=provider, name="Site", origins=["ftp://a.example"])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://Site.COM", "https://site.com"),
        ("https://site.com:443/", "https://site.com"),
        ("http://localhost:3000", "http://localhost:3000"),
        ("http://site.com:80", "http://site.com"),
    ],
)
def test_origins_are_normalised(raw, expected):
    assert normalize_origin(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "site.com",
        "https://",
        "https://site.com/path",
        "javascript:alert(1)",
        "https://u:p@site.com",
    ],
)
def test_invalid_origins_are_refused(raw):
    with pytest.raises(ValidationError):
        normalize_origin(raw)


def test_mint_command_prints_the_plaintext_once_and_revoke_command_revokes(provider, capsys):
    call_command("mint_api_key", "sculpt-co", "--origin", "https://a.example", "--name", "CLI")
    out = capsys.readouterr().out
    plaintext = next(line for line in out.splitlines() if line.startswith("alr_"))
    api_key = api_key_lookup(plaintext)
    assert api_key is not None
    assert api_key.name == "CLI"
    call_command("revoke_api_key", api_key.prefix)
    assert api_key_lookup(plaintext) is None


def test_create_provider_command_makes_studio_and_owner(capsys):
    call_command(
        "create_provider",
        "--handle",
        "flow-co",
        "--name",
        "Flow Co",
        "--timezone",
        "Europe/Berlin",
        "--owner-email",
        "Boss@Flow.example",
    )
    from accounts.models import Provider

    provider = Provider.objects.get(handle="flow-co")
    assert provider.timezone == "Europe/Berlin"
    assert provider.memberships.get().user.email == "boss@flow.example"


@pytest.mark.parametrize(
    ("handle", "tz"), [("Bad Handle", "America/Chicago"), ("ok-handle", "Mars/Olympus")]
)
def test_create_provider_refuses_bad_handle_or_timezone(handle, tz):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_provider", "--handle", handle, "--name", "X", "--timezone", tz)
