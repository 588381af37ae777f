from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "casework.governance"
    label = "governance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from casework.core.deadlines import SweepTally, deadline_kind_register
        from casework.governance.deadlines import PAGES, GovernanceDeadline

        # Both stay breached when missed (overdue is a query); each is on its owner's
        # worklist, linking to its page.
        for kind in GovernanceDeadline:
            deadline_kind_register(kind, kind.label, tally=SweepTally.OVERDUE, page=PAGES[kind])
