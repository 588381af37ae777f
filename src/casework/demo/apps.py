from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Installed only for its `demo-data` command; it has no tables."""

    name = "casework.demo"
    label = "demo"
