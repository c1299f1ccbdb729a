from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiKey
from accounts.services import api_key_revoke


class Command(BaseCommand):
    help = "Revoke an API key by its prefix (the 10 characters after alr_<handle>_)."

    def add_arguments(self, parser):
        parser.add_argument("prefix")

    def handle(self, *args, **opts):
        api_key = ApiKey.objects.select_related("provider").filter(prefix=opts["prefix"]).first()
        if api_key is None:
            raise CommandError(f"No key with prefix {opts['prefix']!r}.")
        api_key_revoke(api_key=api_key)
        self.stdout.write(f"Revoked {api_key.name} of {api_key.provider.handle}.")
