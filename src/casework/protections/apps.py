from django.apps import AppConfig


class ProtectionsConfig(AppConfig):
    name = "casework.protections"
    label = "protections"
    default_auto_field = "django.db.models.BigAutoField"
