from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "casework.assessments"
    label = "assessments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from casework.assessments.services import reassessment_due_handle
        from casework.core.deadlines import deadline_handler_register
        from casework.core.models import DeadlineKind

        deadline_handler_register(DeadlineKind.REASSESSMENT_DUE, reassessment_due_handle)
