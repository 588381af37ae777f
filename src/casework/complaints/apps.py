from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "casework.complaints"
    label = "complaints"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from casework.complaints.deadlines import ComplaintDeadline
        from casework.core.deadlines import SweepTally, deadline_kind_register

        # Every complaint clock stays breached when missed: overdue is a query, and the
        # complaints list shows it. A running clock is on its owner's worklist.
        for kind in ComplaintDeadline:
            deadline_kind_register(
                kind, kind.label, tally=SweepTally.OVERDUE, page="complaint_detail"
            )
