from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"

    def ready(self) -> None:
        from payments import emails  # noqa: F401  (registers the email builders)
        from payments.handlers import register
        from payments.models import Payment
        from payments.services.gift_cards import gift_card_on_paid
        from payments.services.packs import package_on_paid

        register(Payment.Kind.PACKAGE, on_paid=package_on_paid)
        register(Payment.Kind.GIFT_CARD, on_paid=gift_card_on_paid)
