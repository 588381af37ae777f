"""Hospital stays (H1): units, unit assignments, stays and their status history, and the
ADT messages received (the de-duplication store and the error queue)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.stays.rules import (
    AdtOutcome,
    AttendingView,
    Determination,
    NoticeKind,
    NoticeResponse,
    ReferralState,
    ReviewKind,
    ReviewOutcome,
    StatusSource,
    StayClass,
    StayEvent,
    StayState,
)

CLASS_LABELS = {
    StayClass.INPATIENT: _("Inpatient"),
    StayClass.OBSERVATION: _("Observation"),
    StayClass.EMERGENCY: _("Emergency"),
    StayClass.OUTPATIENT_BED: _("Outpatient in a bed"),
}
STATE_LABELS = {
    StayState.IN_HOUSE: _("In house"),
    StayState.DISCHARGED: _("Discharged"),
    StayState.CANCELLED: _("Cancelled"),
}
CLASS_CHOICES = [(c.value, CLASS_LABELS[c]) for c in StayClass]
STATE_CHOICES = [(s.value, STATE_LABELS[s]) for s in StayState]
SOURCE_CHOICES = [(s.value, s.value) for s in StatusSource]
EVENT_CHOICES = [(e.value, e.value) for e in StayEvent]
OUTCOME_CHOICES = [(o.value, o.value) for o in AdtOutcome]


class Unit(models.Model):
    """A nursing unit of a hospital program (HL7 PV1-3.1 point of care)."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="units")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="unit_unique_code")]

    def __str__(self) -> str:
        return self.name


class UnitAssignment(models.Model):
    """A case manager covers a unit: a relationship in the access policy (they reach
    the stays on it)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_assignments"
    )
    assigned_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "user"], name="unit_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.unit_id}"


class Stay(models.Model):
    """A hospital encounter of a consumer."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    consumer = models.ForeignKey(
        "consumers.Consumer", on_delete=models.PROTECT, related_name="stays"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="stays"
    )
    visit_number = models.CharField(_("visit number"), max_length=40)
    stay_class = models.CharField(_("class"), max_length=20, choices=CLASS_CHOICES)
    state = models.CharField(
        _("state"), max_length=12, choices=STATE_CHOICES, default=StayState.IN_HOUSE
    )
    admitted_at = models.DateTimeField(_("admitted"))
    # When the current class began (observation start for the MOON; inpatient start).
    class_since = models.DateTimeField()
    inpatient_at = models.DateTimeField(null=True, blank=True)
    admission_order_at = models.DateTimeField(_("admission order"), null=True, blank=True)
    discharged_at = models.DateTimeField(_("discharged"), null=True, blank=True)
    expected_discharge_date = models.DateField(_("expected discharge"), null=True, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="stays"
    )
    bed = models.CharField(_("bed"), max_length=20, blank=True)
    attending = models.CharField(_("attending physician"), max_length=120, blank=True)
    admitting_diagnosis = models.CharField(_("admitting diagnosis"), max_length=200, blank=True)
    payer = models.CharField(_("payer"), max_length=100, blank=True)
    plan = models.CharField(_("plan"), max_length=100, blank=True)
    medicare = models.BooleanField(_("Medicare beneficiary"), default=False)
    drg = models.CharField(_("DRG"), max_length=4, blank=True)
    drg_table_version = models.CharField(max_length=40, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "visit_number"], name="stay_unique_visit_number"
            )
        ]
        indexes = [models.Index(fields=["program", "state", "unit"], name="stay_census")]

    def __str__(self) -> str:
        return self.visit_number


class StayStatusChange(models.Model):
    """One event of a stay's history: what changed, when, and from where. A cancel event
    names the event it undoes."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="history")
    event = models.CharField(max_length=20, choices=EVENT_CHOICES)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=SOURCE_CHOICES)
    stay_class = models.CharField(max_length=20, choices=CLASS_CHOICES)
    state = models.CharField(max_length=12, choices=STATE_CHOICES)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bed = models.CharField(max_length=20, blank=True)
    # What the event replaced (so a cancel can restore it).
    prior = models.JSONField(default=dict, blank=True)
    undone = models.BooleanField(default=False)
    adt_message = models.ForeignKey(
        "stays.AdtMessage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["stay", "occurred_at"], name="stay_history_time")]

    def __str__(self) -> str:
        return f"{self.event} at {self.occurred_at:%Y-%m-%d %H:%M}"


class AdtMessage(models.Model):
    """An HL7 v2 ADT message received: its key, the ACK sent, and its outcome. Applied
    messages are the de-duplication store; the others are the error queue."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    sending_application = models.CharField(max_length=180)
    sending_facility = models.CharField(max_length=180)
    control_id = models.CharField(max_length=199)
    trigger = models.CharField(max_length=3, blank=True)
    received_at = models.DateTimeField()
    raw = models.TextField()
    outcome = models.CharField(max_length=10, choices=OUTCOME_CHOICES)
    reason = models.CharField(max_length=300, blank=True)
    ack = models.TextField()
    stay = models.ForeignKey(
        Stay, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replayed_at = models.DateTimeField(null=True, blank=True)
    # Who took the message out of the error queue (by replay or by resolving it), and how.
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "sending_application", "sending_facility", "control_id"],
                condition=Q(outcome__in=[AdtOutcome.APPLIED, AdtOutcome.REPLAYED]),
                name="adt_message_applied_once",
            )
        ]
        indexes = [
            models.Index(
                fields=["program", "sending_application", "sending_facility", "control_id"],
                name="adt_message_key",
            ),
            models.Index(fields=["program", "outcome"], name="adt_message_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.sending_application}/{self.control_id}"


class StayReview(models.Model):
    """An admission or continued-stay review against a versioned criteria set (H1)."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(max_length=20, choices=[(k.value, k.value) for k in ReviewKind])
    criteria_set = models.CharField(max_length=60)
    criteria_version = models.CharField(max_length=20)
    subset = models.CharField(max_length=40)
    results = models.JSONField(default=dict)  # criterion id → met
    outcome = models.CharField(max_length=10, choices=[(o.value, o.value) for o in ReviewOutcome])
    # A licensed product the program uses: recorded by name, version and result only.
    licensed_product = models.CharField(max_length=60, blank=True)
    licensed_version = models.CharField(max_length=20, blank=True)
    licensed_result = models.CharField(max_length=60, blank=True)
    two_midnight_expected = models.BooleanField(null=True)  # Medicare stays
    inpatient_only = models.BooleanField(null=True)  # Medicare stays
    notes = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField()
    next_review_due_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.outcome}"


class AdvisorReferral(models.Model):
    """Secondary physician review (42 CFR 482.30): a referral to a physician advisor and
    the determination, with the reviewers' attestations and the attending consulted."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="referrals")
    review = models.ForeignKey(StayReview, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        max_length=10,
        choices=[(s.value, s.value) for s in ReferralState],
        default=ReferralState.OPEN,
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField()
    due_at = models.DateTimeField()
    question = models.TextField(blank=True)
    determination = models.CharField(
        max_length=15, choices=[(d.value, d.value) for d in Determination], blank=True
    )
    rationale = models.TextField(blank=True)
    attending_view = models.CharField(
        max_length=15,
        choices=[(a.value, a.value) for a in AttendingView],
        default=AttendingView.NOT_CONSULTED,
    )
    attending_consulted_at = models.DateTimeField(null=True, blank=True)
    peer_to_peer = models.TextField(blank=True)
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Each reviewer attests, for this patient: not involved in the care, no financial interest.
    attestations = models.JSONField(default=dict)
    decided_at = models.DateTimeField(null=True, blank=True)
    notice_due_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"referral {self.pk} ({self.state})"


class MedicareNotice(models.Model):
    """Delivery of an IM, its follow-up copy, or a MOON: when, signed or refused (with
    the staff member who certifies a refusal), in which language."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=15, choices=[(k.value, k.value) for k in NoticeKind])
    delivered_at = models.DateTimeField()
    response = models.CharField(max_length=10, choices=[(r.value, r.value) for r in NoticeResponse])
    signer = models.CharField(max_length=200, blank=True)
    staff_name = models.CharField(max_length=200, blank=True)
    staff_title = models.CharField(max_length=100, blank=True)
    certified = models.BooleanField(default=False)
    oral_explained = models.BooleanField(default=False)
    language = models.CharField(max_length=10, default="en")
    timely = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.kind} {self.response}"


# The payer interface and denials (H2, H4) live in their own sub-module; importing it
# here registers its tables with the app.
from casework.stays.payers.models import (  # noqa: E402, F401
    PayerAppealLevel,
    PayerSettings,
    StayAppeal,
    StayAuthorization,
    StayDenial,
    StayPeerToPeer,
)


class AvoidableDay(models.Model):
    """A span of avoidable (medically unnecessary) days of a stay (H3): whole local days,
    both ends included, classified by a category and reason of a versioned taxonomy and
    attributed to a responsible party. The stay's unit, payer and attending are kept as
    they were when recorded, so the reports do not move when the stay does."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="avoidable_days")
    start_date = models.DateField(_("first avoidable day"))
    end_date = models.DateField(_("last avoidable day"))
    days = models.PositiveIntegerField()
    medically_ready_at = models.DateTimeField(
        _("medically ready for discharge"), null=True, blank=True
    )
    taxonomy = models.CharField(max_length=60)
    category = models.CharField(_("category"), max_length=40)
    reason = models.CharField(_("reason"), max_length=10)
    responsible_party = models.CharField(_("responsible party"), max_length=120)
    note = models.TextField(_("note"), blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payer = models.CharField(max_length=100, blank=True)
    attending = models.CharField(max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["stay", "start_date"], name="avoidable_day_stay"),
            models.Index(fields=["start_date"], name="avoidable_day_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="avoidable_day_span"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.start_date}..{self.end_date}"


class StayDocumentKind(models.TextChoices):
    MEDICAL_RECORD = "medical_record", _("Medical record excerpt")
    PHYSICIAN_LETTER = "physician_letter", _("Physician letter")
    PAYER_CORRESPONDENCE = "payer_correspondence", _("Payer correspondence")
    OTHER = "other", _("Other document")


class StayDocument(models.Model):
    """A document attached to a stay (H4: the appeal packet carries them): a PDF, PNG or
    JPEG checked whole on upload (S37, S38), stored under a generated name with its
    media type, size and SHA-256. Never changed once attached."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=StayDocumentKind.choices)
    file = models.FileField(upload_to="stays/documents/")
    media_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["stay", "uploaded_at"], name="staydocument_stay_time")]

    def __str__(self) -> str:
        return self.title
