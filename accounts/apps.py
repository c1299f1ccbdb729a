from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and tenants"

    def ready(self) -> None:
        from accounts import emails  # noqa: F401  (registers the email builders)
