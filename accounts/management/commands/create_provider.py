from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import provider_create


class Command(BaseCommand):
    help = "Create a studio (provider), optionally with an owner login."

    def add_arguments(self, parser):
        parser.add_argument("--handle", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--timezone", default="America/Chicago")
        parser.add_argument("--owner-email")
        parser.add_argument("--owner-password", help="Omit to set an unusable password.")

    def handle(self, *args, **opts):
        owner = None
        if opts["owner_email"]:
            owner = User.objects.filter(email=opts["owner_email"].lower()).first()
            if owner is None:
                owner = User.objects.create_user(opts["owner_email"], opts["owner_password"])
        try:
            provider = provider_create(
                handle=opts["handle"],
                display_name=opts["name"],
                timezone_name=opts["timezone"],
                owner=owner,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Created {provider.display_name} ({provider.handle}) {provider.public_id}"
        )
