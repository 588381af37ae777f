from django.apps import AppConfig


class CareplansConfig(AppConfig):
    name = "casework.careplans"
    label = "careplans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from casework.careplans.deadlines import PlanDeadline
        from casework.careplans.services import goal_target_handle
        from casework.core.deadlines import deadline_kind_register

        # The handler raises a plan-review work item when the goal is behind; then met.
        deadline_kind_register(
            PlanDeadline.GOAL_TARGET,
            PlanDeadline.GOAL_TARGET.label,
            goal_target_handle,
            on_breach="met",
        )
