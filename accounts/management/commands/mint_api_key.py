from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Provider
from accounts.services import api_key_mint


class Command(BaseCommand):
    help = "Mint an API key for a studio and print its plaintext once."

    def add_arguments(self, parser):
        parser.add_argument("handle")
        parser.add_argument("--origin", action="append", required=True, dest="origins")
        parser.add_argument("--name", default="API key")

    def handle(self, *args, **opts):
        provider = Provider.objects.filter(handle=opts["handle"].lower()).first()
        if provider is None:
            raise CommandError(f"No studio with handle {opts['handle']!r}.")
        try:
            minted = api_key_mint(provider=provider, name=opts["name"], origins=opts["origins"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write("Store this key now; it is never shown again:")
        self.stdout.write(minted.plaintext)
        self.stdout.write(f"prefix: {minted.api_key.prefix}")
