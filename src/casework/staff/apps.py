from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "casework.staff"
    label = "staff"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from casework.core.deadlines import deadline_kind_register
        from casework.staff.services import StaffDeadline, credential_lapse_act

        # Staff deadlines stay breached (the due/overdue list reads them); a lapsed
        # credential also opens a corrective action (MA 3.5(d)).
        for kind in StaffDeadline:
            lapse = kind in (StaffDeadline.EXPIRY, StaffDeadline.REVERIFICATION)
            deadline_kind_register(
                kind, kind.label, credential_lapse_act if lapse else None, on_breach="breached"
            )
