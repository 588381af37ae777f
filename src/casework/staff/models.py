"""Staff users and their roles (A1). Qualifications and credentials come with the staff issue."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from casework.core.roles import Role


class User(AbstractUser):
    role = models.CharField(max_length=30, choices=Role.choices)
    program = models.ForeignKey(
        "core.Program", on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    team = models.ForeignKey(
        "core.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    languages = models.CharField(
        max_length=100, blank=True, help_text="Languages spoken, comma-separated BCP 47 codes."
    )
    # Not a column: the program's IANA time zone when the API's token check loaded it with
    # the user (casework.core.tokens), so the request needs no query to find its day.
    loaded_time_zone: str | None = None

    class Meta:
        constraints = [
            # S1: usernames unique regardless of case.
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


# --- staff governance (A2-A8) -------------------------------------------------------------


class ProgramStaffSettings(models.Model):
    """A program's rule parameters; without a row the Model Act defaults apply."""

    program = models.OneToOneField(
        "core.Program", on_delete=models.PROTECT, related_name="staff_settings"
    )
    supervisor_case_manager_years = models.DecimalField(max_digits=4, decimal_places=1, default=5)
    supervisor_supervision_years = models.DecimalField(max_digits=4, decimal_places=1, default=3)
    reverification_years = models.PositiveSmallIntegerField(default=3)
    ce_hours = models.DecimalField(max_digits=6, decimal_places=1, default=80)
    ce_window_years = models.PositiveSmallIntegerField(default=5)
    annual_recurrence_months = models.PositiveSmallIntegerField(default=12)
    attestation_months = models.PositiveSmallIntegerField(default=12)

    def __str__(self) -> str:
        return f"Staff settings of {self.program_id}"


class DegreeLevel(models.TextChoices):
    NONE = "", _("None")
    ASSOCIATE = "associate", _("Associate")
    BACHELOR = "bachelor", _("Bachelor's")
    GRADUATE = "graduate", _("Graduate")


class JobDescription(models.Model):
    """A position's written job description (MA 3.4)."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("position title"), max_length=120)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    required_education = models.TextField(_("required education, training, experience"))
    required_degree_level = models.CharField(
        _("minimum degree"), max_length=12, choices=DegreeLevel.choices, blank=True
    )
    competencies = models.TextField(_("expected professional competencies"))
    licensure = models.TextField(_("licensure or certification requirements"))
    requires_license = models.BooleanField(_("requires a license"), default=False)
    requires_case_manager_certification = models.BooleanField(
        _("requires case-manager certification"), default=False
    )
    scope = models.TextField(_("scope of role and responsibilities"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "title"], name="jobdescription_unique")
        ]

    def __str__(self) -> str:
        return self.title


class StaffProfile(models.Model):
    """A staff member's governance record: position, experience and designations."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="profile")
    job_description = models.ForeignKey(
        JobDescription, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hired_date = models.DateField(_("hire date"))
    state_requires_licensure = models.BooleanField(
        _("practice state requires licensure or certification"), default=True
    )
    case_manager_years = models.DecimalField(
        _("years of case-management experience"), max_digits=4, decimal_places=1, default=0
    )
    supervision_years = models.DecimalField(
        _("years directly supervising case management"), max_digits=4, decimal_places=1, default=0
    )
    post_graduate_direct_care = models.BooleanField(
        _("post-graduate direct consumer care experience"), default=False
    )
    oversight_qualified = models.BooleanField(
        _("documented as qualified for clinical oversight"), default=False
    )
    physician = models.BooleanField(_("M.D. or D.O."), default=False)
    clinical_director = models.BooleanField(_("designated clinical director"), default=False)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Profile of {self.user_id}"


class CredentialKind(models.TextChoices):
    LICENSE = "license", _("License")
    CERTIFICATION = "certification", _("Certification")
    DEGREE = "degree", _("Academic degree")


class CredentialStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    PROBATION = "probation", _("On probation")
    EXPIRED = "expired", _("Expired")


ADVERSE_STATUSES = frozenset({"suspended", "revoked", "probation", "inactive", "expired"})


class Credential(models.Model):
    """A license, certification or degree (MA 3.1, 3.2, 3.3, 3.5)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="credentials")
    kind = models.CharField(_("kind"), max_length=15, choices=CredentialKind.choices)
    credential_type = models.CharField(_("type (e.g. RN, LCSW, CCM, MSW)"), max_length=60)
    state = models.CharField(_("state"), max_length=2, blank=True)
    number = models.CharField(_("number"), max_length=60, blank=True)
    issuing_body = models.CharField(_("issuing body or institution"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CredentialStatus.choices, default="active"
    )
    restricted = models.BooleanField(_("restricted"), default=False)
    restrictions = models.TextField(_("restrictions"), blank=True)
    restriction_controls = models.TextField(
        _("how job functions respect the restrictions"), blank=True
    )
    issued_date = models.DateField(_("issued"), null=True, blank=True)
    expires_date = models.DateField(_("expires"), null=True, blank=True)
    health_or_human_services = models.BooleanField(
        _("health or human services discipline"), default=True
    )
    independent_assessment = models.BooleanField(_("allows independent assessment"), default=False)
    advanced = models.BooleanField(_("advanced licensure"), default=False)
    clinical = models.BooleanField(_("clinical license"), default=False)
    case_manager_certification = models.BooleanField(_("case-manager certification"), default=False)
    clinical_specialty = models.BooleanField(_("clinical specialty certification"), default=False)
    board_certification = models.BooleanField(_("board certification"), default=False)
    degree_level = models.CharField(
        _("degree level"), max_length=12, choices=DegreeLevel.choices, blank=True
    )
    field_of_study = models.CharField(_("field of study"), max_length=120, blank=True)
    accredited = models.BooleanField(_("nationally accredited institution"), default=False)
    supervised_field_experience = models.BooleanField(
        _("supervised field experience in the degree"), default=False
    )
    ce_hours_required = models.DecimalField(
        _("CE hours the certifying body requires per window"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.credential_type} {self.state} {self.number}".strip()

    @property
    def status_today(self) -> str:
        """The recorded status, or 'expired' once the expiry date has passed."""
        from casework.core import clock
        from casework.staff.rules import credential_status_on

        return credential_status_on(self.status, self.expires_date, clock.today())

    def get_status_today_display(self) -> str:
        return str(dict(CredentialStatus.choices).get(self.status_today, self.status_today))


class VerificationSource(models.TextChoices):
    PRIMARY = "primary", _("Primary source")
    SECONDARY = "secondary", _("Secondary source")


class VerificationOutcome(models.TextChoices):
    VERIFIED = "verified", _("Verified")
    DISCREPANCY = "discrepancy", _("Discrepancy found")


class Verification(models.Model):
    """One verification of a credential at its source (MA 3.5(a), (b))."""

    credential = models.ForeignKey(
        Credential, on_delete=models.PROTECT, related_name="verifications"
    )
    source = models.CharField(_("source"), max_length=10, choices=VerificationSource.choices)
    source_name = models.CharField(_("source (board, registry, registrar)"), max_length=200)
    verified_date = models.DateField(_("verified on"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=VerificationOutcome.choices)
    verifier = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    evidence = models.FileField(upload_to="staff/evidence/", blank=True)
    evidence_type = models.CharField(max_length=60, blank=True)
    evidence_size = models.PositiveIntegerField(default=0)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Verification {self.pk}"


class ContinuingEducation(models.Model):
    """Continuing-education hours (MA 3.5(c))."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="ce_records")
    title = models.CharField(_("activity"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    completed_date = models.DateField(_("completed on"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.title


class CorrectiveStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class CorrectiveAction(models.Model):
    """Corrective action on an adverse credential change or a lapse (MA 3.5(d))."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="corrective_actions")
    credential = models.ForeignKey(
        Credential, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    owner = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    status = models.CharField(
        max_length=10, choices=CorrectiveStatus.choices, default=CorrectiveStatus.OPEN
    )
    opened_at = models.DateTimeField()
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Corrective action {self.pk}"


class Course(models.Model):
    """A training course and the Model Act topics it covers (MA 8.1, 10.1)."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(max_length=40)
    title = models.CharField(_("title"), max_length=200)
    topics = models.JSONField(_("topics"), default=list)
    orientation = models.BooleanField(_("orientation (required before a role)"), default=False)
    recurrence_months = models.PositiveSmallIntegerField(
        _("repeat every N months (0: once)"), default=0
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="course_unique")]

    def __str__(self) -> str:
        return self.title


class TrainingAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="training_assignments")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="assignments")
    due_date = models.DateField(_("due"))
    assigned_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.course_id} for {self.user_id}"


class TrainingCompletion(models.Model):
    """Documentation of training given (MA 8.1(d))."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="training_completions")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions")
    completed_date = models.DateField(_("completed on"))
    evidence = models.CharField(_("evidence (certificate, sign-in sheet)"), max_length=300)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.course_id} by {self.user_id}"


class AttestationKind(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", _("Confidentiality statement (MA 7.3(e))")
    CONFLICT_OF_INTEREST = "conflict_of_interest", _("Conflict-of-interest attestation (MA 10.1)")


class AttestationDocument(models.Model):
    """A versioned statement staff sign; a new version needs everyone to sign again."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=25, choices=AttestationKind.choices)
    version = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "kind", "version"], name="attestation_document_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class AttestationSignature(models.Model):
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="attestations")
    document = models.ForeignKey(
        AttestationDocument, on_delete=models.PROTECT, related_name="signatures"
    )
    signed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "signed_at"], name="attestation_user_time")]

    def __str__(self) -> str:
        return f"{self.user_id} signed {self.document_id}"


class ClinicalConsultation(models.Model):
    """A periodic consultation with the clinical director (MA 3.3, 4.3); no PHI."""

    director = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("when"))
    topic = models.CharField(_("topic"), max_length=200)
    summary = models.TextField(_("summary (no consumer identifiers)"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.topic


class CaseloadGuideline(models.Model):
    """A role's caseload limit with its written rationale (MA 5.1(n))."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    max_weighted_load = models.DecimalField(
        _("maximum acuity-weighted load"), max_digits=6, decimal_places=2
    )
    rationale = models.TextField(_("rationale"))
    set_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "role"], name="caseload_guideline_role")
        ]

    def __str__(self) -> str:
        return f"{self.role} ≤ {self.max_weighted_load}"


class AssignmentOverride(models.Model):
    """A supervisor's override of the assignment gate, with the reason (audited)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    overridden_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    blockers = models.JSONField(default=list)
    reason = models.TextField()
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Override {self.pk}"


class MfaResetStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting approval")
    APPROVED = "approved", _("Approved: authenticators removed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MfaReset(models.Model):
    """A reset of a person's second sign-in factor under the two-person rule (S17): an
    administrator requests it, a second administrator or compliance officer (never the
    requester, never the person) approves, and only then are the authenticators removed."""

    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="mfa_resets")
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=MfaResetStatus.choices, default=MfaResetStatus.REQUESTED
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    authenticators_removed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="requested"),
                name="mfa_reset_one_open_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"MFA reset {self.pk} ({self.status})"
