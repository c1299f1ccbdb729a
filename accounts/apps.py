from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and tenants"

    def ready(self) -> None:
        from corsheaders.signals import check_request_enabled

        from accounts import emails  # noqa: F401  (registers the email builders)
        from accounts.cors import cors_request_allowed
        from accounts.throttling import connect_signals

        check_request_enabled.connect(cors_request_allowed, dispatch_uid="alera-cors-origins")
        connect_signals()
