"""Transitions of care (G1-G4, F4, F7): the transition plan and its versions, the
post-acute provider directory, choice lists and choices, placement, the handoff and its
receipt, follow-up attempts, readmissions and closed-loop community referrals."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.transitions.rules import (
    AttemptOutcome,
    BarrierReason,
    BarrierState,
    ContactChannel,
    Destination,
    EducationAudience,
    EducationMethod,
    PostAcuteNeed,
    ReceiptMethod,
    ReferralStatus,
    RootCause,
    SequencedItem,
    TeachBack,
)

NEED_LABELS = {
    PostAcuteNeed.HOME_HEALTH: _("Home health"),
    PostAcuteNeed.SKILLED_NURSING: _("Skilled nursing"),
    PostAcuteNeed.REHABILITATION: _("Inpatient rehabilitation"),
    PostAcuteNeed.LONG_TERM_ACUTE: _("Long-term acute care"),
    PostAcuteNeed.HOSPICE: _("Hospice"),
    PostAcuteNeed.DURABLE_EQUIPMENT: _("Durable medical equipment"),
    PostAcuteNeed.HOME_SERVICES: _("Services at home"),
}
NEED_CHOICES = [(n.value, NEED_LABELS[n]) for n in PostAcuteNeed]
DESTINATION_LABELS = {
    Destination.HOME: _("Home"),
    Destination.HOME_WITH_SERVICES: _("Home with services"),
    Destination.SKILLED_NURSING: _("Skilled nursing facility"),
    Destination.REHABILITATION: _("Inpatient rehabilitation facility"),
    Destination.LONG_TERM_ACUTE: _("Long-term acute care hospital"),
    Destination.HOSPICE: _("Hospice"),
    Destination.OTHER: _("Other"),
}
DESTINATION_CHOICES = [(d.value, DESTINATION_LABELS[d]) for d in Destination]
CHANNEL_CHOICES = [
    (ContactChannel.PHONE.value, _("Phone")),
    (ContactChannel.VIDEO.value, _("Video")),
    (ContactChannel.IN_PERSON.value, _("In person")),
    (ContactChannel.TEXT.value, _("Text message")),
    (ContactChannel.PORTAL.value, _("Patient portal")),
]
OUTCOME_CHOICES = [
    (AttemptOutcome.REACHED.value, _("Reached")),
    (AttemptOutcome.NO_ANSWER.value, _("No answer")),
    (AttemptOutcome.VOICEMAIL.value, _("Left voicemail")),
    (AttemptOutcome.WRONG_NUMBER.value, _("Wrong number")),
    (AttemptOutcome.DECLINED.value, _("Declined")),
]
REFERRAL_STATUS_CHOICES = [
    (ReferralStatus.SENT.value, _("Sent")),
    (ReferralStatus.ACCEPTED.value, _("Accepted")),
    (ReferralStatus.REJECTED.value, _("Rejected")),
    (ReferralStatus.CANCELLED.value, _("Cancelled")),
    (ReferralStatus.COMPLETED.value, _("Completed")),
]
AUDIENCE_CHOICES = [
    (EducationAudience.CONSUMER.value, _("Consumer")),
    (EducationAudience.FAMILY.value, _("Family")),
    (EducationAudience.CAREGIVER.value, _("Caregiver")),
    (EducationAudience.TEAM.value, _("Care team")),
]
METHOD_CHOICES = [
    (EducationMethod.VERBAL.value, _("Verbal")),
    (EducationMethod.WRITTEN.value, _("Written material")),
    (EducationMethod.DEMONSTRATION.value, _("Demonstration")),
    (EducationMethod.VIDEO.value, _("Video")),
    (EducationMethod.INTERPRETER.value, _("Through an interpreter")),
]
TEACH_BACK_CHOICES = [
    (TeachBack.UNDERSTOOD.value, _("Understood (said or showed it back)")),
    (TeachBack.PARTLY.value, _("Partly understood")),
    (TeachBack.NOT_UNDERSTOOD.value, _("Not understood")),
    (TeachBack.NOT_DONE.value, _("Teach-back not done")),
]
ROOT_CAUSE_CHOICES = [(r.value, r.value.replace("_", " ")) for r in RootCause]
SEQUENCED_ITEM_CHOICES = [
    (SequencedItem.CONSULT.value, _("Consult")),
    (SequencedItem.TEST.value, _("Test")),
    (SequencedItem.PROCEDURE.value, _("Procedure")),
    (SequencedItem.THERAPY.value, _("Therapy")),
    (SequencedItem.PLACEMENT.value, _("Placement")),
]
BARRIER_REASON_CHOICES = [
    (BarrierReason.SCHEDULING.value, _("No slot or staff available")),
    (BarrierReason.AWAITING_RESULT.value, _("Awaiting a result it depends on")),
    (BarrierReason.AUTHORIZATION.value, _("Payer authorization pending")),
    (BarrierReason.ORDER.value, _("Order missing or incomplete")),
    (BarrierReason.TRANSPORT.value, _("Transport")),
    (BarrierReason.EQUIPMENT.value, _("Equipment unavailable")),
    (BarrierReason.CONSUMER_CONDITION.value, _("The consumer's condition")),
    (BarrierReason.CONSUMER_DECISION.value, _("Consumer or family decision pending")),
    (BarrierReason.OTHER.value, _("Other")),
]
BARRIER_STATE_CHOICES = [
    (BarrierState.OPEN.value, _("Open")),
    (BarrierState.ESCALATED.value, _("Escalated")),
    (BarrierState.RESOLVED.value, _("Resolved")),
]


class TransitionPlan(models.Model):
    """The transition plan of a stay: its current version's facts (every version is kept
    in `TransitionPlanVersion`)."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    consumer = models.ForeignKey("consumers.Consumer", on_delete=models.PROTECT, related_name="+")
    stay = models.OneToOneField(
        "stays.Stay", on_delete=models.PROTECT, related_name="transition_plan"
    )
    destination = models.CharField(
        _("anticipated destination"), max_length=30, choices=DESTINATION_CHOICES
    )
    anticipated_discharge_date = models.DateField(
        _("anticipated discharge date"), null=True, blank=True
    )
    needs = models.JSONField(_("post-acute needs"), default=list, blank=True)
    barriers = models.TextField(_("barriers"), blank=True)
    readmission_risk = models.CharField(_("readmission risk"), max_length=200, blank=True)
    # What the case manager entered for the scores (codes, laboratory values, flags) and
    # the LACE and HOSPITAL result of this version (`transitions.risk.readmission_risk`).
    risk_inputs = models.JSONField(default=dict, blank=True)
    risk = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"transition plan {self.pk} v{self.version}"


class TransitionPlanVersion(models.Model):
    """One saved version of a transition plan: what it said, who, when. Never changed."""

    plan = models.ForeignKey(TransitionPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    facts = models.JSONField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="transition_plan_version_once")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class PostAcuteProvider(models.Model):
    """A post-acute provider of the program's directory (its copy of public provider data,
    loaded by CSV): type, service area, Medicare participation, quality measures and the
    program's financial interest, if any (42 CFR 482.43(c))."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    ccn = models.CharField(_("CCN"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    provider_type = models.CharField(_("type"), max_length=30, choices=NEED_CHOICES)
    address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=5)
    phone = models.CharField(max_length=30, blank=True)
    service_area = models.JSONField(default=list)  # ZIP codes served
    medicare = models.BooleanField(_("Medicare participating"), default=False)
    star_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    quality_measures = models.JSONField(default=dict, blank=True)
    financial_interest = models.BooleanField(_("program has a financial interest"), default=False)
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "ccn"], name="post_acute_provider_ccn")
        ]
        indexes = [models.Index(fields=["program", "provider_type"], name="post_acute_type")]

    def __str__(self) -> str:
        return self.name


class ProviderArea(models.Model):
    """One ZIP code a provider serves (the service area, searchable)."""

    provider = models.ForeignKey(PostAcuteProvider, on_delete=models.CASCADE, related_name="areas")
    postal_code = models.CharField(max_length=5)

    class Meta:
        indexes = [models.Index(fields=["postal_code"], name="provider_area_zip")]

    def __str__(self) -> str:
        return self.postal_code


class ChoiceList(models.Model):
    """The list of participating providers of one type serving the consumer's area, as
    presented (the providers' facts are kept as shown)."""

    stay = models.ForeignKey("stays.Stay", on_delete=models.PROTECT, related_name="choice_lists")
    provider_type = models.CharField(max_length=30, choices=NEED_CHOICES)
    postal_code = models.CharField(max_length=5)
    entries = models.JSONField(default=list)  # [{provider_id, name, stars, ...}] as shown
    language = models.CharField(max_length=10, default="en")
    presented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    presented_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"choice list {self.pk}"


class ProviderChoice(models.Model):
    """A provider the consumer chose from a choice list, in order of preference."""

    choice_list = models.ForeignKey(ChoiceList, on_delete=models.CASCADE, related_name="choices")
    provider = models.ForeignKey(PostAcuteProvider, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["choice_list", "provider"], name="choice_once"),
            models.UniqueConstraint(fields=["choice_list", "rank"], name="choice_rank_once"),
        ]

    def __str__(self) -> str:
        return f"choice {self.rank}"


class Placement(models.Model):
    """The final placement of a stay's consumer with a provider."""

    stay = models.OneToOneField("stays.Stay", on_delete=models.PROTECT, related_name="placement")
    provider = models.ForeignKey(PostAcuteProvider, on_delete=models.PROTECT, related_name="+")
    from_choice = models.BooleanField(default=True)
    reason = models.TextField(blank=True)  # why not one of the consumer's choices
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"placement {self.pk}"


class Handoff(models.Model):
    """The handoff sent to the receiving provider and its receipt: by a person confirming,
    or by the receiving system updating the FHIR Task through the API."""

    stay = models.OneToOneField("stays.Stay", on_delete=models.PROTECT, related_name="handoff")
    receiver_name = models.CharField(_("receiving provider"), max_length=200)
    receiver_provider = models.ForeignKey(
        PostAcuteProvider, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contents = models.JSONField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()
    task_status = models.CharField(max_length=20, default="requested")
    received_at = models.DateTimeField(null=True, blank=True)
    receipt_method = models.CharField(
        max_length=10, choices=[(m.value, m.value) for m in ReceiptMethod], blank=True
    )
    received_by = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"handoff {self.pk}"


class FollowUpAttempt(models.Model):
    """One attempt to reach the consumer after discharge: channel and outcome."""

    stay = models.ForeignKey("stays.Stay", on_delete=models.PROTECT, related_name="follow_ups")
    attempted_at = models.DateTimeField(_("attempted at"))
    channel = models.CharField(_("channel"), max_length=12, choices=CHANNEL_CHOICES)
    outcome = models.CharField(_("outcome"), max_length=15, choices=OUTCOME_CHOICES)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["stay", "attempted_at"], name="follow_up_stay_time")]

    def __str__(self) -> str:
        return f"{self.channel} {self.outcome}"


class Readmission(models.Model):
    """A stay that is a readmission within 30 days of an index stay's discharge, and its
    review: planned (with the reason), or the root-cause category."""

    index_stay = models.ForeignKey(
        "stays.Stay", on_delete=models.PROTECT, related_name="readmissions"
    )
    stay = models.OneToOneField(
        "stays.Stay", on_delete=models.PROTECT, related_name="readmission_of"
    )
    consumer = models.ForeignKey("consumers.Consumer", on_delete=models.PROTECT, related_name="+")
    days_after = models.PositiveSmallIntegerField()
    detected_at = models.DateTimeField()
    planned = models.BooleanField(default=False)
    planned_reason = models.TextField(blank=True)
    root_cause = models.CharField(max_length=20, choices=ROOT_CAUSE_CHOICES, blank=True)
    review_notes = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"readmission {self.pk}"


class CommunityReferral(models.Model):
    """A closed-loop referral of a consumer to a community service of the resource
    directory (Gravity SDOH: a ServiceRequest and its Task)."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    consumer = models.ForeignKey("consumers.Consumer", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("resources.Service", on_delete=models.PROTECT, related_name="+")
    need = models.CharField(_("need"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        max_length=12, choices=REFERRAL_STATUS_CHOICES, default=ReferralStatus.SENT
    )
    status_reason = models.TextField(blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["consumer", "status"], name="referral_consumer_status")]

    def __str__(self) -> str:
        return f"referral {self.pk}"


class ReferralStatusChange(models.Model):
    """One step of a referral's history."""

    referral = models.ForeignKey(
        CommunityReferral, on_delete=models.CASCADE, related_name="history"
    )
    status = models.CharField(max_length=12, choices=REFERRAL_STATUS_CHOICES)
    reason = models.TextField(blank=True)
    changed_by = models.CharField(max_length=200)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.status


class ReceiverCredential(models.Model):
    """A receiving organisation's credential (`cwr_` token; only its SHA-256 is kept): it
    reads the handoffs addressed to that provider and updates their Task status, and
    nothing else (the staff API refuses it: it is not a per-user token)."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(PostAcuteProvider, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def audit_name(self) -> str:
        """How the audit trail names the receiving system (no user account behind it)."""
        return f"receiver:{self.pk}:{self.name}"[:150]


class EducationRecord(models.Model):
    """Education given during a stay: topic, audience, method, materials and their
    language, the teach-back result, who taught and when. Never changed."""

    stay = models.ForeignKey("stays.Stay", on_delete=models.PROTECT, related_name="education")
    consumer = models.ForeignKey("consumers.Consumer", on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(_("topic"), max_length=200)
    audience = models.CharField(_("audience"), max_length=12, choices=AUDIENCE_CHOICES)
    method = models.CharField(_("method"), max_length=15, choices=METHOD_CHOICES)
    materials = models.TextField(_("materials"), blank=True)
    materials_language = models.CharField(_("language of the materials"), max_length=10)
    teach_back = models.CharField(_("teach-back"), max_length=15, choices=TEACH_BACK_CHOICES)
    note = models.TextField(_("note"), blank=True)
    given_at = models.DateTimeField(_("given at"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["stay", "given_at"], name="education_stay_time")]

    def __str__(self) -> str:
        return self.topic


class SequencingLevel(models.Model):
    """One level of a program's escalation path for sequencing barriers, as its clinical
    director set it (the program uses `rules.DEFAULT_ESCALATION_PATH` until then)."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"))
    role = models.CharField(_("who is asked"), max_length=120)
    response_hours = models.PositiveSmallIntegerField(_("hours to respond"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "level"], name="sequencing_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.level}. {self.role}"


class SequencingBarrier(models.Model):
    """A barrier to sequencing a consult, test, procedure, therapy or placement during a
    stay, and its escalation along the program's path (copied in `path` when escalated,
    so a later edit of the path does not change an escalation under way)."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    consumer = models.ForeignKey("consumers.Consumer", on_delete=models.PROTECT, related_name="+")
    stay = models.ForeignKey(
        "stays.Stay", on_delete=models.PROTECT, related_name="sequencing_barriers"
    )
    item = models.CharField(_("what is delayed"), max_length=12, choices=SEQUENCED_ITEM_CHOICES)
    description = models.CharField(_("description"), max_length=200)
    ordered_at = models.DateTimeField(_("ordered at"))
    expected_at = models.DateTimeField(_("expected by"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=BARRIER_REASON_CHOICES)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(
        max_length=10, choices=BARRIER_STATE_CHOICES, default=BarrierState.OPEN
    )
    level = models.PositiveSmallIntegerField(default=0)
    path = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["stay", "state"], name="barrier_stay_state")]

    def __str__(self) -> str:
        return self.description


class SequencingEscalation(models.Model):
    """One level of a barrier's escalation: who was asked, by when, who responded and
    what they said; `lapsed_at` when it passed its deadline unresolved."""

    barrier = models.ForeignKey(
        SequencingBarrier, on_delete=models.CASCADE, related_name="escalations"
    )
    level = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=120)
    response_hours = models.PositiveSmallIntegerField()
    opened_at = models.DateTimeField()
    due_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    responder = models.CharField(_("responder"), max_length=120, blank=True)
    response = models.TextField(_("response"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lapsed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["barrier", "level"], name="sequencing_escalation_level")
        ]
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.barrier_id} level {self.level}"
