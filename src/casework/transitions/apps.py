from django.apps import AppConfig


class TransitionsConfig(AppConfig):
    name = "casework.transitions"
    label = "transitions"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Transitions of care"

    def ready(self) -> None:
        from casework.core.deadlines import SweepTally, deadline_kind_register
        from casework.stays.hooks import stay_change_listen
        from casework.transitions.deadlines import KIND_LABELS, KIND_PAGES
        from casework.transitions.rules import TransitionDeadline
        from casework.transitions.services import sequencing_level_lapsed, stay_changed

        handlers = {TransitionDeadline.SEQUENCING_RESPONSE: sequencing_level_lapsed}
        for kind, label in KIND_LABELS.items():
            deadline_kind_register(
                kind,
                label,
                handlers.get(TransitionDeadline(kind)),
                tally=SweepTally.OVERDUE,
                page=KIND_PAGES[kind],
            )
        stay_change_listen(stay_changed)
