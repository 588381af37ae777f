from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "casework.coordination"
    label = "coordination"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from casework.coordination.deadlines import (
            WorkItemDeadline,
            work_item_due_handle,
            work_item_reminder_handle,
        )
        from casework.core.deadlines import SweepTally, deadline_kind_register

        # Overdue: the row stays breached (overdue is a query) and the owner is told.
        deadline_kind_register(
            WorkItemDeadline.DUE,
            WorkItemDeadline.DUE.label,
            work_item_due_handle,
            tally=SweepTally.OVERDUE,
        )
        # A reminder is done once sent: it is met, not breached.
        deadline_kind_register(
            WorkItemDeadline.REMINDER,
            WorkItemDeadline.REMINDER.label,
            work_item_reminder_handle,
            on_breach="met",
            tally=SweepTally.REMINDER,
        )
