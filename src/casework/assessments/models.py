"""Instruments, responses frozen to an instrument version, and needs (D1-D3)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Instrument(models.Model):
    """One version of an instrument: its whole definition (questions, options with codes,
    skip logic, scoring, bands) as loaded from `instruments/<code>.json`. A new version is
    a new row; a response points at the row it used, so later edits never change it."""

    code = models.SlugField(_("code"), max_length=60)
    version = models.CharField(_("version"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    source = models.TextField(_("source and licence"))
    definition = models.JSONField(_("definition"))
    is_current = models.BooleanField(_("offered for new responses"), default=True)
    loaded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_code_version"),
        ]
        ordering = ["title", "code", "version"]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"


class AssessmentResponse(models.Model):
    """A completed instrument for a case, scored when recorded."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="assessment_responses"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(_("answers"))
    result = models.JSONField(_("result"))
    total_score = models.IntegerField(_("total score"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=40, blank=True)
    urgent = models.BooleanField(_("urgent safety flag"), default=False)
    language = models.CharField(_("language administered in"), max_length=20)
    participants = models.CharField(_("who took part"), max_length=300)
    interpreter_used = models.BooleanField(_("interpreter used"), default=False)
    administered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    administered_at = models.DateTimeField(_("when"))
    # A substance-use-disorder record under 42 CFR Part 2 (S40): set explicitly, or by an
    # instrument whose definition says `"part2": true`. Segmented exactly as Part 2 notes
    # are (`coordination.selectors.part2_visible_q`).
    part2 = models.BooleanField(_("substance use disorder record (42 CFR Part 2)"), default=False)

    class Meta:
        indexes = [models.Index(fields=["case", "administered_at"], name="response_case_time")]

    def __str__(self) -> str:
        return f"{self.instrument.code} {self.administered_at:%Y-%m-%d}"


class NeedKind(models.TextChoices):
    PROBLEM = "problem", _("Problem or need")
    STRENGTH = "strength", _("Strength")
    BARRIER = "barrier", _("Barrier")


class NeedStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested from a positive finding")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class Acuity(models.IntegerChoices):
    HIGH = 1, _("High")
    MEDIUM = 2, _("Medium")
    LOW = 3, _("Low")


class Need(models.Model):
    """A problem/need, strength or barrier (D3). Problems suggested by a positive screen
    stay `suggested` until the case manager confirms or dismisses them."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="needs")
    kind = models.CharField(_("kind"), max_length=10, choices=NeedKind.choices)
    domain = models.CharField(_("domain"), max_length=40, blank=True)
    description = models.CharField(_("description"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=NeedStatus.choices)
    acuity = models.PositiveSmallIntegerField(
        _("priority (stratified)"), choices=Acuity.choices, null=True, blank=True
    )
    consumer_priority = models.PositiveSmallIntegerField(
        _("the consumer's own priority (1 = most important)"), null=True, blank=True
    )
    source_response = models.ForeignKey(
        AssessmentResponse, on_delete=models.PROTECT, null=True, blank=True, related_name="needs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["case", "kind", "status"], name="need_case_kind_status")]

    def __str__(self) -> str:
        return self.description


class ReassessmentExpectation(models.Model):
    """How often a payer expects its members to be reassessed (E4). A consumer whose
    payer matches (ignoring case) is reassessed at the shorter of this interval and the
    program's own."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    payer = models.CharField(_("payer or health plan"), max_length=100)
    interval_days = models.PositiveSmallIntegerField(
        _("reassess at least every (days)"), validators=[MinValueValidator(1)]
    )
    source = models.CharField(
        _("where the expectation comes from"),
        max_length=200,
        blank=True,
        help_text=_("For example the contract and its section."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "program", Lower("payer"), name="reassessment_expectation_payer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.payer}: {self.interval_days} days"
