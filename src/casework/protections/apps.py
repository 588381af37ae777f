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
        # A running clock is on its owner's worklist (the page it links to is restricted).
        pages = {
            "abuse": "abuse_report_detail",
            "incident": "incident_detail",
            "ethics": "consultation_detail",
        }
        for kind in ProtectionDeadline:
            page = pages[kind.value.split("_", 1)[0]]
            deadline_kind_register(kind, kind.label, tally=SweepTally.OVERDUE, page=page)
