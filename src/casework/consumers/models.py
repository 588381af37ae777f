"""The consumer and their support system (C4, C5)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Lower, Replace
from django.utils.translation import gettext_lazy as _


def _digits_of(field: str) -> Replace:
    """`field` without the characters people put in phone numbers."""
    expression: Replace | F = F(field)
    for junk in (" ", "-", "(", ")", ".", "+"):
        expression = Replace(expression, Value(junk), Value(""))
    assert isinstance(expression, Replace)
    return expression


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Consumer(models.Model):
    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="consumers")
    mrn = models.CharField(_("medical record number"), max_length=40, blank=True)
    # S5: a record number already held by another consumer of the program, given by
    # someone who does not reach that consumer. The record is taken as any other (the
    # answer must not tell that the number exists) and awaits a supervisor's link.
    mrn_link_pending = models.BooleanField(
        _("record number awaits a supervisor's link"), default=False
    )
    member_id = models.CharField(_("member id"), max_length=40, blank=True)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=20,
        default="en",
        help_text=_("BCP 47 code, e.g. en, es"),
    )
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    cultural_preferences = models.TextField(_("cultural preferences"), blank=True)
    makes_own_decisions = models.BooleanField(
        _("makes own decisions"),
        default=True,
        help_text=_("False when a surrogate (legal decision maker) decides for the consumer."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # Kept only for equity reporting (B5, J4); never an input to a selection or service rule.
    payer = models.CharField(
        _("payer or health plan"),
        max_length=100,
        blank=True,
        help_text=_("Sets the reassessment schedule when the program records its expectation."),
    )
    race = models.CharField(_("race"), max_length=60, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=60, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)
    # Issue 13 item 9: a duplicate record merged by a supervisor into the one kept. Its
    # records point at that one until the merge is undone (ConsumerMerge keeps which).
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged into"),
    )
    # The phone's digits, for finding a consumer by a number typed any way (computed by
    # the database from `phone`: never written).
    phone_digits = models.GeneratedField(
        expression=_digits_of("phone"),
        output_field=models.CharField(max_length=40),
        db_persist=True,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mrn"],
                condition=~Q(mrn="") & Q(mrn_link_pending=False),
                name="consumer_unique_mrn",
            )
        ]
        indexes = [
            models.Index(fields=["family_name", "given_name"], name="consumer_name"),
            # Finding a consumer (consumers.selectors.consumer_search): a name's start in any
            # case, a birth date, a member id, a phone number.
            models.Index(Lower("family_name"), name="consumer_family_lower"),
            models.Index(Lower("given_name"), name="consumer_given_lower"),
            models.Index(fields=["program", "birth_date"], name="consumer_program_birth"),
            models.Index(fields=["mrn"], name="consumer_mrn"),
            models.Index(fields=["member_id"], name="consumer_member_id"),
            models.Index(fields=["phone_digits"], name="consumer_phone_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Relationship(models.TextChoices):
    SPOUSE = "spouse", _("Spouse or partner")
    PARENT = "parent", _("Parent")
    CHILD = "child", _("Child")
    SIBLING = "sibling", _("Sibling")
    OTHER_FAMILY = "other_family", _("Other family")
    FRIEND = "friend", _("Friend")
    GUARDIAN = "guardian", _("Court-appointed guardian")
    CAREGIVER = "caregiver", _("Paid caregiver")
    OTHER = "other", _("Other")


class SupportPerson(models.Model):
    consumer = models.ForeignKey(Consumer, on_delete=models.CASCADE, related_name="support_persons")
    name = models.CharField(_("name"), max_length=200)
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_legal_decision_maker = models.BooleanField(_("legal decision maker"), default=False)
    has_power_of_attorney = models.BooleanField(
        _("holds health-care power of attorney"), default=False
    )
    is_emergency_contact = models.BooleanField(_("emergency contact"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    # Removed, not deleted: a consent given by this person still names them, and what
    # was recorded stays readable (SupportRecordRevision keeps each earlier version).
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.TextField(_("reason for removal"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consumer"],
                condition=Q(is_legal_decision_maker=True, removed_at=None),
                name="one_legal_decision_maker",
            )
        ]

    def __str__(self) -> str:
        return self.name


class DirectiveKind(models.TextChoices):
    LIVING_WILL = "living_will", _("Living will")
    HEALTH_CARE_POA = "health_care_poa", _("Durable power of attorney for health care")
    POLST = "polst", _("POLST / MOLST")
    DNR = "dnr", _("Do-not-resuscitate order")
    MENTAL_HEALTH = "mental_health", _("Psychiatric advance directive")
    OTHER = "other", _("Other")


class AdvanceDirective(models.Model):
    consumer = models.ForeignKey(
        Consumer, on_delete=models.CASCADE, related_name="advance_directives"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DirectiveKind.choices)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    location = models.CharField(_("where the document is kept"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.TextField(_("reason for removal"), blank=True)

    def __str__(self) -> str:
        return self.get_kind_display()


class SupportRecordKind(models.TextChoices):
    SUPPORT_PERSON = "support_person", _("Support person")
    ADVANCE_DIRECTIVE = "advance_directive", _("Advance directive")


class SupportRecordChange(models.TextChoices):
    UPDATED = "updated", _("Changed")
    REMOVED = "removed", _("Removed")


class SupportRecordRevision(models.Model):
    """An earlier version of a support person or an advance directive, kept when it is
    changed or removed (C4): `values` are the record's fields as they were at `version`."""

    consumer = models.ForeignKey(Consumer, on_delete=models.CASCADE, related_name="+")
    record_kind = models.CharField(_("record"), max_length=20, choices=SupportRecordKind.choices)
    record_id = models.PositiveIntegerField()
    version = models.PositiveIntegerField()
    values = models.JSONField()
    change = models.CharField(_("change"), max_length=10, choices=SupportRecordChange.choices)
    reason = models.TextField(_("reason"), blank=True)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record_kind", "record_id", "version"], name="support_revision_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_record_kind_display()} {self.record_id} v{self.version}"


class ConsumerMerge(models.Model):
    """A duplicate consumer merged into the one kept (issue 13, item 9): which rows of
    which tables were moved from `merged` to `survivor` (`moved`: "app.Model.field" →
    row ids), so that undoing it moves exactly those rows back."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    survivor = models.ForeignKey(Consumer, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Consumer, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    moved = models.JSONField(default=dict)
    merged_at = models.DateTimeField()
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undo_reason = models.TextField(_("reason for undoing"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["merged"], condition=Q(undone_at=None), name="consumer_merged_once"
            )
        ]

    def __str__(self) -> str:
        return f"consumer {self.merged_id} merged into {self.survivor_id}"
