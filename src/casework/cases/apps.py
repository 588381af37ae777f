from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "casework.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from casework.cases import selectors
        from casework.staff.selectors import caseload_readers_register

        caseload_readers_register(
            open_cases=selectors.open_case_acuity,
            previous_assignees=selectors.previous_assignees,
        )
