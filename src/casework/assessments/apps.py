from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "casework.assessments"
    label = "assessments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from casework.assessments.deadlines import AssessmentDeadline
        from casework.assessments.services import reassessment_due_handle
        from casework.core.deadlines import deadline_kind_register

        # The handler raises a work item in the claim's transaction; the row is then met.
        deadline_kind_register(
            AssessmentDeadline.REASSESSMENT_DUE,
            AssessmentDeadline.REASSESSMENT_DUE.label,
            reassessment_due_handle,
            on_breach="met",
        )
