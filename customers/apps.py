from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"

    def ready(self) -> None:
        # Registers this app's email builders.
        from customers import emails  # noqa: F401
