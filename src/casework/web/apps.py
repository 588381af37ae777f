from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "casework.web"
    label = "web"
    verbose_name = "Web layer"

    def ready(self) -> None:
        from casework.web import local_time, mfa  # noqa: F401  (connect the sign-in receivers)
