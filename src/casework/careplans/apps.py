from django.apps import AppConfig


class CareplansConfig(AppConfig):
    name = "casework.careplans"
    label = "careplans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from casework.careplans.services import goal_target_handle
        from casework.core.deadlines import deadline_handler_register
        from casework.core.models import DeadlineKind

        deadline_handler_register(DeadlineKind.GOAL_TARGET, goal_target_handle)
