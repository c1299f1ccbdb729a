from django.apps import AppConfig


class AleraConfig(AppConfig):
    name = "alera"
    verbose_name = "Alera platform"
