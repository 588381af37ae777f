from django.apps import AppConfig


class StaysConfig(AppConfig):
    name = "casework.stays"
    label = "stays"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Hospital stays"

    def ready(self) -> None:
        from casework.core.deadlines import SweepTally, deadline_kind_register
        from casework.stays.deadlines import StayDeadline

        # A notice overdue stays breached (overdue is a query); the census shows it.
        for kind in StayDeadline:
            deadline_kind_register(kind, kind.label, tally=SweepTally.OVERDUE)
