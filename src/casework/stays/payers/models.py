"""Payer interface (H2) and denials and appeals (H4): the tables. A payer's settings are
program data (edited in the admin); authorizations, denials and appeals belong to a stay
and its consumer."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.core.clocks import ClockUnit
from casework.stays.payers.rules import (
    AppealOutcome,
    AuthorizationState,
    AuthorizationUnit,
    DenialKind,
    DenialState,
    LevelOfCare,
    PayerType,
    PeerToPeerOutcome,
    PeerToPeerSpeaker,
)

PAYER_TYPE_LABELS = {
    PayerType.MEDICARE_ADVANTAGE: _("Medicare Advantage"),
    PayerType.MEDICAID_MANAGED_CARE: _("Medicaid managed care"),
    PayerType.COMMERCIAL: _("Commercial (employer group health plan, ERISA)"),
}
UNIT_LABELS = {
    ClockUnit.CALENDAR_DAYS: _("calendar days"),
    ClockUnit.BUSINESS_DAYS: _("business days"),
    ClockUnit.HOURS: _("hours"),
}
LEVEL_OF_CARE_LABELS = {
    LevelOfCare.ACUTE: _("Acute inpatient"),
    LevelOfCare.INTENSIVE_CARE: _("Intensive care"),
    LevelOfCare.STEP_DOWN: _("Step-down"),
    LevelOfCare.OBSERVATION: _("Observation"),
    LevelOfCare.SKILLED_NURSING: _("Skilled nursing facility"),
    LevelOfCare.INPATIENT_REHAB: _("Inpatient rehabilitation"),
    LevelOfCare.LONG_TERM_ACUTE: _("Long-term acute care"),
    LevelOfCare.HOME_HEALTH: _("Home health"),
    LevelOfCare.HOSPICE: _("Hospice"),
    LevelOfCare.DURABLE_MEDICAL_EQUIPMENT: _("Durable medical equipment"),
    LevelOfCare.OUTPATIENT_THERAPY: _("Outpatient therapy"),
}
AUTHORIZATION_UNIT_LABELS = {
    AuthorizationUnit.DAYS: _("days"),
    AuthorizationUnit.VISITS: _("visits"),
    AuthorizationUnit.ITEMS: _("items"),
}
AUTHORIZATION_STATE_LABELS = {
    AuthorizationState.PENDING_NOTIFICATION: _("Notification not sent"),
    AuthorizationState.NOTIFIED: _("Notified"),
    AuthorizationState.ACKNOWLEDGED: _("Acknowledged"),
    AuthorizationState.APPROVED: _("Approved"),
    AuthorizationState.PARTLY_APPROVED: _("Partly approved"),
    AuthorizationState.DENIED: _("Denied"),
}
DENIAL_KIND_LABELS = {
    DenialKind.MEDICAL_NECESSITY: _("Medical necessity"),
    DenialKind.LEVEL_OF_CARE: _("Level of care"),
    DenialKind.ADMINISTRATIVE: _("Administrative"),
}
DENIAL_STATE_LABELS = {
    DenialState.OPEN: _("Open"),
    DenialState.APPEALING: _("Appeal pending"),
    DenialState.OVERTURNED: _("Overturned"),
    DenialState.CLOSED: _("Closed"),
}
PEER_TO_PEER_OUTCOME_LABELS = {
    PeerToPeerOutcome.UPHELD: _("Upheld"),
    PeerToPeerOutcome.OVERTURNED: _("Overturned"),
    PeerToPeerOutcome.PARTLY_OVERTURNED: _("Partly overturned"),
    PeerToPeerOutcome.NOT_HELD: _("Not held"),
}
SPEAKER_LABELS = {
    PeerToPeerSpeaker.ATTENDING: _("Attending physician"),
    PeerToPeerSpeaker.PHYSICIAN_ADVISOR: _("Physician advisor"),
}
OUTCOME_LABELS = {
    AppealOutcome.OVERTURNED: _("Overturned"),
    AppealOutcome.PARTLY_OVERTURNED: _("Partly overturned"),
    AppealOutcome.UPHELD: _("Upheld"),
    AppealOutcome.WITHDRAWN: _("Withdrawn"),
}


def choices(labels: dict) -> list[tuple[str, object]]:  # type: ignore[type-arg]
    return [(str(key), label) for key, label in labels.items()]


UNIT_CHOICES = choices(UNIT_LABELS)


class PayerSettings(models.Model):
    """A payer's terms for a program (H2): notification window, review frequency and
    authorization decision limits; its appeal levels are `PayerAppealLevel` rows. A stay
    names its payer by `name` (as ADT sends it in IN1)."""

    program = models.ForeignKey("core.Program", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("payer name"), max_length=100)
    payer_type = models.CharField(
        _("payer type"), max_length=30, choices=choices(PAYER_TYPE_LABELS)
    )
    notification_amount = models.PositiveSmallIntegerField(_("notify the payer within"))
    notification_unit = models.CharField(max_length=20, choices=UNIT_CHOICES)
    notification_citation = models.CharField(max_length=200, blank=True)
    review_every_amount = models.PositiveSmallIntegerField(_("clinical review every"))
    review_every_unit = models.CharField(max_length=20, choices=UNIT_CHOICES)
    review_every_citation = models.CharField(max_length=200, blank=True)
    decision_amount = models.PositiveSmallIntegerField(_("standard decision within"))
    decision_unit = models.CharField(max_length=20, choices=UNIT_CHOICES)
    decision_citation = models.CharField(max_length=200, blank=True)
    expedited_decision_amount = models.PositiveSmallIntegerField(_("expedited decision within"))
    expedited_decision_unit = models.CharField(max_length=20, choices=UNIT_CHOICES)
    expedited_decision_citation = models.CharField(max_length=200, blank=True)
    # Empty amount: the payer gives no peer-to-peer window (no clock is started).
    peer_to_peer_amount = models.PositiveSmallIntegerField(
        _("hold a peer-to-peer within"),
        null=True,
        blank=True,
        default=1,
        help_text=_("After it is requested. Empty: the payer gives no window."),
    )
    peer_to_peer_unit = models.CharField(
        max_length=20, choices=UNIT_CHOICES, default="business_days"
    )
    peer_to_peer_citation = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("payer settings")
        verbose_name_plural = _("payer settings")
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="payer_settings_unique_name"),
            models.CheckConstraint(
                condition=models.Q(notification_amount__gt=0)
                & models.Q(review_every_amount__gt=0)
                & models.Q(decision_amount__gt=0)
                & models.Q(expedited_decision_amount__gt=0),
                name="payer_settings_positive_limits",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PayerAppealLevel(models.Model):
    """One appeal level of a payer (H4): filing window after the adverse decision, and
    the payer's standard and expedited decision limits."""

    payer = models.ForeignKey(PayerSettings, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(_("level"))
    name = models.CharField(_("name"), max_length=100)
    filing_amount = models.PositiveSmallIntegerField(_("file within"))
    filing_unit = models.CharField(max_length=20, choices=UNIT_CHOICES)
    decision_amount = models.PositiveSmallIntegerField(_("standard decision within"))
    decision_unit = models.CharField(max_length=20, choices=UNIT_CHOICES)
    expedited_amount = models.PositiveSmallIntegerField(_("expedited decision within"))
    expedited_unit = models.CharField(max_length=20, choices=UNIT_CHOICES)
    citation = models.CharField(_("citation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("payer appeal level")
        ordering = ["payer", "level"]
        constraints = [
            models.UniqueConstraint(fields=["payer", "level"], name="payer_appeal_level_unique"),
            models.CheckConstraint(
                condition=models.Q(level__gt=0)
                & models.Q(filing_amount__gt=0)
                & models.Q(decision_amount__gt=0)
                & models.Q(expedited_amount__gt=0),
                name="payer_appeal_level_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level}. {self.name}"


class StayAuthorization(models.Model):
    """The payer's authorization of a stay at a level of care: the admission notification
    sent and acknowledged, the days requested and authorized, the reference number, and the
    next clinical review due. Each due time is a clock (`core.Deadline`)."""

    stay = models.ForeignKey("stays.Stay", on_delete=models.CASCADE, related_name="authorizations")
    payer = models.ForeignKey(PayerSettings, on_delete=models.PROTECT, related_name="+")
    level_of_care = models.CharField(
        _("level of care or service"), max_length=30, choices=choices(LEVEL_OF_CARE_LABELS)
    )
    expedited = models.BooleanField(_("expedited"), default=False)
    # `requested_days` and `authorized_days` count `unit`: days, or a post-acute
    # service's visits or items.
    unit = models.CharField(
        _("unit"),
        max_length=10,
        choices=choices(AUTHORIZATION_UNIT_LABELS),
        default=AuthorizationUnit.DAYS,
    )
    requested_days = models.PositiveSmallIntegerField(_("requested"))
    authorized_days = models.PositiveSmallIntegerField(_("authorized"), null=True, blank=True)
    # A post-acute service: the receiving provider (by name: `transitions` sits above
    # `stays`, so its provider directory is not linked) and the start asked for.
    provider_name = models.CharField(_("receiving provider"), max_length=200, blank=True)
    requested_start_date = models.DateField(_("requested start"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    state = models.CharField(
        _("state"),
        max_length=24,
        choices=choices(AUTHORIZATION_STATE_LABELS),
        default=AuthorizationState.PENDING_NOTIFICATION,
    )
    reference_number = models.CharField(_("reference number"), max_length=60, blank=True)
    notification_sent_at = models.DateTimeField(_("notification sent"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    last_review_sent_at = models.DateTimeField(null=True, blank=True)
    next_review_due_at = models.DateTimeField(_("next review due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["stay", "state"], name="stay_authorization_state")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(requested_days__gt=0), name="authorization_requests_days"
            )
        ]

    def __str__(self) -> str:
        return f"authorization {self.pk}"


class StayDenial(models.Model):
    """A payer's denial of days or money of a stay (H4), with its kind and reason."""

    stay = models.ForeignKey("stays.Stay", on_delete=models.CASCADE, related_name="denials")
    payer = models.ForeignKey(PayerSettings, on_delete=models.PROTECT, related_name="+")
    authorization = models.ForeignKey(
        StayAuthorization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=choices(DENIAL_KIND_LABELS))
    reason = models.TextField(_("payer's reason"))
    # The reason's category in a shipped taxonomy (`reason_taxonomy`), and the stay's unit
    # and attending when the denial was recorded, so the report does not move.
    reason_category = models.CharField(_("reason category"), max_length=40, blank=True)
    reason_taxonomy = models.CharField(max_length=60, blank=True)
    unit = models.ForeignKey(
        "stays.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attending = models.CharField(_("attending physician"), max_length=120, blank=True)
    denied_days = models.PositiveSmallIntegerField(_("days denied"), null=True, blank=True)
    denied_amount = models.DecimalField(
        _("amount denied"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(max_length=3, default="USD")
    received_date = models.DateField(_("received"))
    reference_number = models.CharField(_("payer reference"), max_length=60, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=choices(DENIAL_STATE_LABELS), default=DenialState.OPEN
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["payer", "state"], name="stay_denial_payer_state")]

    def __str__(self) -> str:
        return f"denial {self.pk}"


class StayAppeal(models.Model):
    """An appeal of a denial at one of the payer's levels: filed when and whether in time,
    standard or expedited, the payer's decision due, the outcome and what was recovered."""

    denial = models.ForeignKey(StayDenial, on_delete=models.CASCADE, related_name="appeals")
    level = models.PositiveSmallIntegerField(_("level"))
    level_name = models.CharField(max_length=100)
    expedited = models.BooleanField(_("expedited"), default=False)
    filed_at = models.DateTimeField(_("filed"))
    filed_in_time = models.BooleanField()
    late_reason = models.CharField(_("good cause for late filing"), max_length=300, blank=True)
    argument = models.TextField(_("argument"), blank=True)
    decision_due_at = models.DateTimeField(_("decision due"))
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=choices(OUTCOME_LABELS), blank=True
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    overturned_days = models.PositiveSmallIntegerField(null=True, blank=True)
    overturned_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["denial", "level"], name="stay_appeal_one_per_level")
        ]

    def __str__(self) -> str:
        return f"appeal {self.pk} (level {self.level})"


class StayPeerToPeer(models.Model):
    """A peer-to-peer conversation requested with the payer's medical director about an
    adverse decision — an authorization denied or partly approved, or a denial — between
    the physician who speaks for the hospital and the payer: requested, scheduled, held or
    not, and its outcome. (A physician advisor's talk with the attending is the review's
    `peer_to_peer` note, not this.)"""

    stay = models.ForeignKey("stays.Stay", on_delete=models.CASCADE, related_name="+")
    authorization = models.ForeignKey(
        StayAuthorization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    denial = models.ForeignKey(
        StayDenial, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    speaker = models.CharField(
        _("speaks for the hospital"), max_length=20, choices=choices(SPEAKER_LABELS)
    )
    physician_name = models.CharField(_("physician"), max_length=200)
    payer_contact = models.CharField(_("payer's medical director"), max_length=200, blank=True)
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=choices(PEER_TO_PEER_OUTCOME_LABELS), blank=True
    )
    note = models.TextField(_("note"), blank=True)
    overturned_days = models.PositiveSmallIntegerField(null=True, blank=True)
    overturned_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(authorization__isnull=True, denial__isnull=False)
                | models.Q(authorization__isnull=False, denial__isnull=True),
                name="stay_peer_to_peer_one_subject",
            )
        ]
        indexes = [models.Index(fields=["stay", "requested_at"], name="stay_p2p_stay_requested")]

    def __str__(self) -> str:
        return f"peer-to-peer {self.pk}"


class EducationTarget(models.TextChoices):
    """Whom a denial education item is about (stored values: never change)."""

    ATTENDING = "attending", _("Attending physician")
    UNIT = "unit", _("Unit")


class EducationState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class DenialEducation(models.Model):
    """Prevention (H4): an education work item for the attending physician or the unit
    whose denials of one reason category reached the program's threshold within the
    window. About no consumer; owned by the program's physician advisor (first by name).
    `target` is the key the uniqueness rests on: `unit:<id>` or `attending:<name as
    recorded on the denials>`."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    target_kind = models.CharField(_("about"), max_length=12, choices=EducationTarget.choices)
    target = models.CharField(max_length=140)
    unit = models.ForeignKey(
        "stays.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attending = models.CharField(_("attending physician"), max_length=120, blank=True)
    reason_category = models.CharField(_("reason category"), max_length=40)
    window_start = models.DateField(_("window start"))
    window_end = models.DateField(_("window end"))
    denials = models.ManyToManyField(StayDenial, related_name="+")
    denial_count = models.PositiveSmallIntegerField(_("denials"))
    opened_at = models.DateTimeField(_("opened"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=8, choices=EducationState.choices, default=EducationState.OPEN
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "target", "reason_category", "window_start"],
                name="denial_education_one_per_window",
            ),
            models.UniqueConstraint(
                fields=["program", "target", "reason_category"],
                condition=models.Q(state="open"),
                name="denial_education_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"denial education {self.pk}"
