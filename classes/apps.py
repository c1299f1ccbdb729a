from django.apps import AppConfig


class ClassesConfig(AppConfig):
    name = "classes"
    verbose_name = "Classes and bookings"

    def ready(self) -> None:
        from classes import emails  # noqa: F401  (registers the email builders)
        from classes.payment_handlers import register_handlers

        register_handlers()
