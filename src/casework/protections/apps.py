from django.apps import AppConfig


class ProtectionsConfig(AppConfig):
    name = "casework.protections"
    label = "protections"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from casework.core.deadlines import SweepTally, deadline_kind_register
        from casework.protections.deadlines import ProtectionDeadline

        # A missed protection clock stays breached: overdue is a query the restricted
        # protections list and the clocks show.
        for kind in ProtectionDeadline:
            deadline_kind_register(kind, kind.label, tally=SweepTally.OVERDUE)
