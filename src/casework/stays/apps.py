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

        from casework.stays.payers.deadlines import PAGES, PayerDeadline

        # Payer clocks stay breached when missed; running ones are on the owner's worklist.
        for payer_kind in PayerDeadline:
            deadline_kind_register(
                payer_kind, payer_kind.label, tally=SweepTally.OVERDUE, page=PAGES[payer_kind]
            )
