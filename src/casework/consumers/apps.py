from django.apps import AppConfig


class ConsumersConfig(AppConfig):
    name = "casework.consumers"
    label = "consumers"
    default_auto_field = "django.db.models.BigAutoField"
