"""Admin for staff accounts; a change of role or admin rights, and a password set by an
administrator, are each audited as one privilege event (S21). Staff governance rows are
shown read-only; an assignment override names a case, so it is not shown (consumer
data: see `casework.core.admin`)."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse

from casework.core.actor import actor_for, client_address
from casework.core.audit import audit_record
from casework.core.models import AuditAction
from casework.staff.models import (
    AttestationDocument,
    AttestationSignature,
    CaseloadGuideline,
    ClinicalConsultation,
    ContinuingEducation,
    CorrectiveAction,
    Course,
    Credential,
    JobDescription,
    MfaReset,
    ProgramStaffSettings,
    StaffProfile,
    TrainingAssignment,
    TrainingCompletion,
    User,
    Verification,
)

PRIVILEGE_FIELDS = ("role", "is_staff", "is_superuser", "is_active", "program_id", "team_id")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "first_name", "last_name", "role", "team", "is_active"]
    list_filter = ["role", "is_active", "is_staff", "program", "team"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Casework", {"fields": ("role", "program", "team", "languages")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "role", "program", "team", "password1", "password2"),
            },
        ),
    )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's set-password page; a password set (or disabled) is one privilege
        event naming whose."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            target = User.objects.filter(pk=id).values_list("username", flat=True).first()
            audit_record(
                actor=actor_for(request.user, address=client_address(request)),  # type: ignore[arg-type]
                action=AuditAction.PRIVILEGE,
                object_type="user",
                object_id=id,
                detail={"target": target or "", "changed": ["password"]},
            )
        return response

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[Any], change: bool
    ) -> None:
        before = (
            dict(User.objects.filter(pk=obj.pk).values(*PRIVILEGE_FIELDS).get()) if change else {}
        )
        super().save_model(request, obj, form, change)
        after = {name: getattr(obj, name) for name in PRIVILEGE_FIELDS}
        changed = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if changed:
            audit_record(
                actor=actor_for(request.user, address=client_address(request)),  # type: ignore[arg-type]
                action=AuditAction.PRIVILEGE,
                object_type="user",
                object_id=obj.pk,
                detail={
                    "target": obj.username,
                    "old_role": before.get("role", ""),
                    "new_role": obj.role,
                    "changed": sorted(changed),
                },
            )


class GovernanceReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Staff governance rows are written by the staff services (audited); the admin
    only shows them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


for _model in (
    ProgramStaffSettings,
    JobDescription,
    MfaReset,
    StaffProfile,
    Credential,
    Verification,
    ContinuingEducation,
    CorrectiveAction,
    Course,
    TrainingAssignment,
    TrainingCompletion,
    AttestationDocument,
    AttestationSignature,
    ClinicalConsultation,
    CaseloadGuideline,
):
    admin.site.register(_model, GovernanceReadOnlyAdmin)
