from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "casework.web"
    label = "web"
    verbose_name = "Web layer"

    def ready(self) -> None:
        from casework.web import mfa  # noqa: F401  (connects the sign-in receiver)
