from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "casework.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from casework.core import auth_audit

        auth_audit.connect()
