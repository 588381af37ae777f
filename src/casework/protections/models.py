"""Protections (J1-J3): abuse, neglect and exploitation reports and the program's
jurisdiction table, incidents and unusual occurrences, ethics consultations. Restricted
records: only their recorder and the roles the program names see them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.core.clocks import ClockUnit
from casework.core.roles import Role
from casework.protections.rules import (
    ConsultationKind,
    ConsultationState,
    IncidentKind,
    IncidentState,
    Injury,
    ReportKind,
    ReportState,
    Setting,
    VictimClass,
)

REPORT_KIND_LABELS = {
    ReportKind.ABUSE: _("Abuse"),
    ReportKind.NEGLECT: _("Neglect"),
    ReportKind.SELF_NEGLECT: _("Self-neglect"),
    ReportKind.EXPLOITATION: _("Exploitation"),
}
VICTIM_LABELS = {
    VictimClass.ELDER: _("Elder or dependent adult"),
    VictimClass.LTC_RESIDENT: _("Resident of a long-term care facility"),
    VictimClass.CHILD: _("Child"),
}
SETTING_LABELS = {
    Setting.COMMUNITY: _("Community"),
    Setting.LTC_FACILITY: _("Long-term care facility"),
}
INJURY_LABELS = {
    Injury.ANY: _("Any"),
    Injury.SERIOUS: _("Serious bodily injury"),
    Injury.NOT_SERIOUS: _("No serious bodily injury"),
}
UNIT_LABELS = {
    ClockUnit.HOURS: _("hours"),
    ClockUnit.CALENDAR_DAYS: _("calendar days"),
    ClockUnit.BUSINESS_DAYS: _("business days"),
}
REPORT_STATE_LABELS = {
    ReportState.OPEN: _("Open: report owed"),
    ReportState.REPORTED: _("Reported"),
    ReportState.CLOSED: _("Closed"),
}
INCIDENT_KIND_LABELS = {
    IncidentKind.FALL: _("Fall"),
    IncidentKind.MEDICATION_ERROR: _("Medication error"),
    IncidentKind.WORKPLACE_VIOLENCE: _("Violence against staff"),
    IncidentKind.EXPOSURE: _("Exposure to blood or infectious material"),
    IncidentKind.PRIVACY_BREACH: _("Privacy breach"),
    IncidentKind.OTHER: _("Other unusual occurrence"),
}
INCIDENT_STATE_LABELS = {IncidentState.OPEN: _("Open"), IncidentState.CLOSED: _("Closed")}
CONSULTATION_KIND_LABELS = {
    ConsultationKind.ETHICS: _("Ethics consultation"),
    ConsultationKind.OUT_OF_SCOPE: _("Need beyond the program's scope"),
}
CONSULTATION_STATE_LABELS = {
    ConsultationState.REQUESTED: _("Requested"),
    ConsultationState.CLOSED: _("Closed"),
}


def choices(labels: dict) -> list[tuple[str, object]]:  # type: ignore[type-arg]
    return [(str(key), label) for key, label in labels.items()]


DEFAULT_RESTRICTED_ROLES = [str(Role.COMPLIANCE_OFFICER)]


def default_restricted_roles() -> list[str]:
    return list(DEFAULT_RESTRICTED_ROLES)


class ProtectionSettings(models.Model):
    """Which roles see a program's restricted records beyond the person who recorded them."""

    program = models.OneToOneField(
        "core.Program", on_delete=models.CASCADE, related_name="protection_settings"
    )
    restricted_roles = models.JSONField(default=default_restricted_roles)

    def __str__(self) -> str:
        return f"protection settings of {self.program_id}"


class JurisdictionRule(models.Model):
    """A row of the program's reporting table (J1): who must report what, to whom, by when."""

    program = models.ForeignKey("core.Program", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(_("state"), max_length=2, help_text=_("Two letters; US for federal."))
    reporter_class = models.CharField(_("reporter class"), max_length=60)
    victim_class = models.CharField(
        _("victim class"), max_length=20, choices=choices(VICTIM_LABELS)
    )
    setting = models.CharField(_("setting"), max_length=20, choices=choices(SETTING_LABELS))
    injury = models.CharField(_("injury"), max_length=20, choices=choices(INJURY_LABELS))
    oral_amount = models.PositiveSmallIntegerField(_("oral report within"))
    oral_unit = models.CharField(max_length=20, choices=choices(UNIT_LABELS))
    written_amount = models.PositiveSmallIntegerField(
        _("written report within"), null=True, blank=True
    )
    written_unit = models.CharField(max_length=20, choices=choices(UNIT_LABELS))
    agency = models.CharField(_("receiving agency"), max_length=200)
    citation = models.CharField(_("citation"), max_length=200)
    note = models.CharField(_("note"), max_length=300, blank=True)
    sample = models.BooleanField(
        _("shipped sample"),
        default=False,
        help_text=_("A shipped example: verify it against the statute and edit before use."),
    )

    def __str__(self) -> str:
        return f"{self.state} {self.victim_class} {self.setting} {self.injury}"


class AbuseReport(models.Model):
    """Suspected abuse, neglect or exploitation, followed to closure (J1). Restricted."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    consumer = models.ForeignKey(
        "consumers.Consumer", on_delete=models.PROTECT, related_name="abuse_reports"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=choices(REPORT_KIND_LABELS))
    victim_class = models.CharField(
        _("victim class"), max_length=20, choices=choices(VICTIM_LABELS)
    )
    setting = models.CharField(_("setting"), max_length=20, choices=choices(SETTING_LABELS))
    state_code = models.CharField(_("state"), max_length=2)
    serious_injury = models.BooleanField(_("serious bodily injury"), default=False)
    suspected_at = models.DateTimeField(_("suspicion formed at"))
    description = models.TextField(_("what was seen or told"))
    rule = models.ForeignKey(JurisdictionRule, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=choices(REPORT_STATE_LABELS), default=ReportState.OPEN
    )
    oral_reported_at = models.DateTimeField(null=True, blank=True)
    oral_reference = models.CharField(max_length=100, blank=True)
    written_reported_at = models.DateTimeField(null=True, blank=True)
    written_reference = models.CharField(max_length=100, blank=True)
    reported_agency = models.CharField(max_length=200, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"abuse report {self.pk}"


class Incident(models.Model):
    """An incident or unusual occurrence (J2), including violence against staff and
    exposures, with its follow-up clocks. Restricted."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    consumer = models.ForeignKey(
        "consumers.Consumer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=choices(INCIDENT_KIND_LABELS))
    occurred_at = models.DateTimeField(_("occurred at"))
    learned_at = models.DateTimeField(_("learned of it at"))
    description = models.TextField(_("what happened"))
    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member affected"),
    )
    privacy_case = models.BooleanField(
        _("privacy case (name withheld from the OSHA log)"), default=False
    )
    evaluation_offered_at = models.DateTimeField(null=True, blank=True)
    written_opinion_at = models.DateTimeField(null=True, blank=True)
    osha_recordable = models.BooleanField(null=True, blank=True)
    osha_decided_at = models.DateTimeField(null=True, blank=True)
    osha_reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=10, choices=choices(INCIDENT_STATE_LABELS), default=IncidentState.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"incident {self.pk}"


class EthicsConsultation(models.Model):
    """An ethics consultation or a need routed beyond the program's scope (J3). Restricted."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    consumer = models.ForeignKey(
        "consumers.Consumer", on_delete=models.PROTECT, related_name="ethics_consultations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=choices(CONSULTATION_KIND_LABELS))
    parties = models.JSONField(_("conflict between"), default=list)
    question = models.TextField(_("question or need"))
    routed_to = models.CharField(_("routed to"), max_length=200, blank=True)
    recommendation = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    status = models.CharField(
        max_length=10,
        choices=choices(CONSULTATION_STATE_LABELS),
        default=ConsultationState.REQUESTED,
    )
    requested_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"consultation {self.pk}"
