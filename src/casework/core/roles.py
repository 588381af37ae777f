"""Staff roles (A1) and HL7 PurposeOfUse codes (N2).

The policy of what each role may do lives in `casework.core.policy`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASE_MANAGER = "case_manager", _("Case manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    SENIOR_CLINICAL = "senior_clinical", _("Senior clinical staff")
    PHYSICIAN_ADVISOR = "physician_advisor", _("Physician advisor")
    QUALITY_ANALYST = "quality_analyst", _("Quality analyst")
    COMPLIANCE_OFFICER = "compliance_officer", _("Compliance officer")
    ADMINISTRATOR = "administrator", _("Administrator")
    AUDITOR = "auditor", _("Auditor (read-only)")


class PurposeOfUse(models.TextChoices):
    """A subset of HL7 v3 PurposeOfUse (2.16.840.1.113883.5.8)."""

    CARE_MANAGEMENT = "CAREMGT", _("Care management")
    TREATMENT = "TREAT", _("Treatment")
    OPERATIONS = "HOPERAT", _("Health care operations")
    PAYMENT = "HPAYMT", _("Payment")
    QUALITY = "HQUALIMP", _("Quality improvement")
    COMPLIANCE = "HCOMPL", _("Compliance")
    SYSTEM_ADMIN = "HSYSADMIN", _("System administration")
    EMERGENCY = "ETREAT", _("Emergency treatment (break-glass)")


DEFAULT_PURPOSE: dict[str, str] = {
    Role.CASE_MANAGER: PurposeOfUse.CARE_MANAGEMENT,
    Role.SUPERVISOR: PurposeOfUse.CARE_MANAGEMENT,
    Role.SENIOR_CLINICAL: PurposeOfUse.CARE_MANAGEMENT,
    Role.PHYSICIAN_ADVISOR: PurposeOfUse.TREATMENT,
    Role.QUALITY_ANALYST: PurposeOfUse.QUALITY,
    Role.COMPLIANCE_OFFICER: PurposeOfUse.COMPLIANCE,
    Role.ADMINISTRATOR: PurposeOfUse.SYSTEM_ADMIN,
    Role.AUDITOR: PurposeOfUse.COMPLIANCE,
}
