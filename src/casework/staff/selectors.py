"""Reads for staff governance: rule facts, compliance, caseloads, due lists (A2-A8)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from allauth.mfa.models import Authenticator
from django.db.models import Max, Model, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from casework.core import clock
from casework.core.models import Deadline, DeadlineState
from casework.core.prepared import PreparedQuery
from casework.core.roles import Role
from casework.staff import rules
from casework.staff.models import (
    AttestationDocument,
    AttestationKind,
    AttestationSignature,
    CaseloadGuideline,
    ContinuingEducation,
    CorrectiveAction,
    CorrectiveStatus,
    Course,
    Credential,
    CredentialKind,
    JobDescription,
    MfaReset,
    MfaResetStatus,
    ProgramStaffSettings,
    StaffProfile,
    TrainingAssignment,
    TrainingCompletion,
    User,
    Verification,
    VerificationOutcome,
)

STAFF_DEADLINE_PREFIX = "staff_"
# Case states that count towards a caseload (values of casework.cases.models.CaseState).


def active_staff(*, program_id: int, roles: Iterable[str]) -> QuerySet[User]:
    """Active staff of a program with one of ``roles``, by name (work-item owners, care
    team choices, intake assignees)."""
    return User.objects.filter(
        program_id=program_id, is_active=True, role__in=list(roles)
    ).order_by("last_name", "first_name", "id")


def staff_of_program(*, program_id: int | None, user_id: int) -> User | None:
    """Staff member `user_id` if they belong to program `program_id`."""
    if program_id is None:
        return None
    return User.objects.filter(pk=user_id, program_id=program_id).first()


def team_case_managers(*, supervisor_id: int) -> QuerySet[User]:
    """Active case managers on the teams `supervisor_id` supervises, by name."""
    return User.objects.filter(
        role=Role.CASE_MANAGER, is_active=True, team__supervisor_id=supervisor_id
    ).order_by("last_name", "first_name", "id")


def rule_settings_row(*, program_id: int) -> ProgramStaffSettings:
    """The program's settings row, or an unsaved one holding the Model Act defaults."""
    row = ProgramStaffSettings.objects.filter(program_id=program_id).first()
    return row if row is not None else ProgramStaffSettings(program_id=program_id)


def rule_settings_for(*, program_id: int) -> rules.RuleSettings:
    row = ProgramStaffSettings.objects.filter(program_id=program_id).first()
    if row is None:
        return rules.RuleSettings()
    return rules.RuleSettings(
        supervisor_case_manager_years=row.supervisor_case_manager_years,
        supervisor_supervision_years=row.supervisor_supervision_years,
        reverification_years=row.reverification_years,
        ce_hours=row.ce_hours,
        ce_window_years=row.ce_window_years,
        annual_recurrence_months=row.annual_recurrence_months,
        attestation_months=row.attestation_months,
    )


def credential_facts(credential: Credential, verified_date: date | None) -> rules.CredentialFacts:
    c = credential
    return rules.CredentialFacts(
        kind=c.kind,
        status=c.status,
        expires_date=c.expires_date,
        verified_date=verified_date,
        restricted=c.restricted,
        restriction_controls=bool(c.restriction_controls.strip()),
        health_or_human_services=c.health_or_human_services,
        independent_assessment=c.independent_assessment,
        advanced=c.advanced,
        case_manager_certification=c.case_manager_certification,
        clinical_specialty=c.clinical_specialty,
        clinical=c.clinical,
        board_certification=c.board_certification,
        degree_level=c.degree_level,
        accredited=c.accredited,
        supervised_field_experience=c.supervised_field_experience,
    )


def _credentials_verified(user_ids: Iterable[int]) -> QuerySet[Credential]:
    """Credentials of `user_ids`, each annotated with `last_verified`: the date of its
    latest successful verification."""
    return (
        Credential.objects.filter(user_id__in=list(user_ids))
        .annotate(
            last_verified=Max(
                "verifications__verified_date",
                filter=Q(verifications__outcome=VerificationOutcome.VERIFIED),
            )
        )
        .order_by("kind", "id")
    )


def credentials_with_verification(*, user_id: int) -> list[tuple[Credential, date | None]]:
    """The person's credentials with the date of their latest successful verification."""
    return [(c, c.last_verified) for c in _credentials_verified([user_id])]  # type: ignore[attr-defined]


def verification_list(*, user_id: int) -> list[Verification]:
    """The person's credential verifications, newest first, with the verifier."""
    return list(
        Verification.objects.filter(credential__user_id=user_id)
        .select_related("credential", "verifier")
        .order_by("-verified_date", "-id")
    )


def staff_facts(*, user: User) -> rules.StaffFacts:
    profile = StaffProfile.objects.filter(user=user).first()
    creds = tuple(credential_facts(c, v) for c, v in credentials_with_verification(user_id=user.pk))
    if profile is None:
        return rules.StaffFacts(credentials=creds)
    return rules.StaffFacts(
        credentials=creds,
        state_requires_licensure=profile.state_requires_licensure,
        case_manager_years=profile.case_manager_years,
        supervision_years=profile.supervision_years,
        post_graduate_direct_care=profile.post_graduate_direct_care,
        oversight_qualified=profile.oversight_qualified,
        physician=profile.physician,
    )


def _any_verified(
    credentials: Iterable[rules.CredentialFacts], day: date, settings: rules.RuleSettings
) -> bool:
    return any(
        rules.credential_current(f, day) and rules.credential_verified(f, day, settings)
        for f in credentials
    )


def has_verified_credential(*, user: User, on: date | None = None) -> bool:
    """A current credential verified within the re-verification interval (A5)."""
    settings = rule_settings_for(program_id=user.program_id or 0)
    return _any_verified(staff_facts(user=user).credentials, on or clock.today(), settings)


def is_oriented(*, user: User) -> bool:
    """Orientation completed before taking on a role (MA 8.1(a), A6)."""
    return TrainingCompletion.objects.filter(user=user, course__orientation=True).exists()


def attestation_current_document(*, program_id: int, kind: str) -> AttestationDocument | None:
    return (
        AttestationDocument.objects.filter(program_id=program_id, kind=kind)
        .order_by("-version")
        .first()
    )


def _current_statement_query(
    program: int, user: int, settings_program: int, kind: str
) -> QuerySet[Any]:
    """The program's current document of `kind`, the user's last signature of it and the
    program's re-attestation interval, in one query."""
    return (
        AttestationDocument.objects.filter(program_id=program, kind=kind)
        .annotate(
            last_signed=Subquery(
                AttestationSignature.objects.filter(user_id=user, document_id=OuterRef("pk"))
                .order_by("-signed_at")
                .values("signed_at")[:1]
            ),
            interval_months=Subquery(
                ProgramStaffSettings.objects.filter(program_id=settings_program).values(
                    "attestation_months"
                )[:1]
            ),
        )
        .order_by("-version")
        .values_list("version", "last_signed", "interval_months")[:1]
    )


# Asked on every request that reaches consumer data (the signed-statement gate), so it is
# compiled once (`core.prepared`); the samples only mark where each parameter goes.
_CURRENT_STATEMENT = PreparedQuery(
    _current_statement_query,
    program=-9_101,
    user=-9_102,
    settings_program=-9_103,
    kind="sample-attestation-kind",
)


def attestation_is_current(*, user: User, kind: str, on: date | None = None) -> bool:
    """Signed the program's current version within the re-attestation interval (S41).
    One query, compiled once."""
    program_id = user.program_id or 0
    rows = _CURRENT_STATEMENT.rows(
        program=program_id, user=user.pk, settings_program=program_id, kind=str(kind)
    )
    if not rows:
        return False
    version, last_signed, months = rows[0]
    settings = rules.RuleSettings(**({"attestation_months": months} if months is not None else {}))
    return rules.attestation_current(
        signed_version=version if last_signed else None,
        signed_date=last_signed.date() if last_signed else None,
        current_version=version,
        on=on or clock.today(),
        settings=settings,
    )


def _attested(
    document: AttestationDocument | None,
    signed_at: datetime | None,
    day: date,
    settings: rules.RuleSettings,
) -> bool:
    """Whether a signature at `signed_at` of `document` (the current version) still holds."""
    if document is None:
        return False
    return rules.attestation_current(
        signed_version=document.version if signed_at else None,
        signed_date=timezone.localdate(signed_at) if signed_at else None,
        current_version=document.version,
        on=day,
        settings=settings,
    )


def confidentiality_signed(*, user: User) -> bool:
    return attestation_is_current(user=user, kind=AttestationKind.CONFIDENTIALITY)


class OpenCasesReader(Protocol):
    def __call__(self, *, user_ids: list[int]) -> Iterable[tuple[int, str, str]]: ...


class PreviousAssigneesReader(Protocol):
    def __call__(self, *, user_ids: list[int], consumer_id: int) -> set[int]: ...


@dataclass
class CaseloadReaders:
    """How staff reads caseloads without importing the cases context, which sits above it
    (docs/adr/0005-layers.md): cases registers its readers when its app is ready."""

    open_cases: OpenCasesReader | None = None
    previous_assignees: PreviousAssigneesReader | None = None


CASELOAD_READERS = CaseloadReaders()


def caseload_readers_register(
    *, open_cases: OpenCasesReader, previous_assignees: PreviousAssigneesReader
) -> None:
    CASELOAD_READERS.open_cases = open_cases
    CASELOAD_READERS.previous_assignees = previous_assignees


def caseload_weights(*, user_ids: list[int]) -> dict[int, Decimal]:
    """Acuity-weighted open caseload per person (MA 5.1(n))."""
    assert CASELOAD_READERS.open_cases is not None, "the cases app registers its readers"
    loads = dict.fromkeys(user_ids, Decimal(0))
    for user_id, complexity, severity in CASELOAD_READERS.open_cases(user_ids=user_ids):
        loads[user_id] += rules.acuity_weight(complexity, severity)
    return loads


def caseload_limits(*, program_ids: Iterable[int]) -> dict[tuple[int, str], Decimal]:
    """``{(program id, role): maximum weighted caseload}`` (MA 5.1(n))."""
    rows = CaseloadGuideline.objects.filter(program_id__in=list(program_ids)).values_list(
        "program_id", "role", "max_weighted_load"
    )
    return {(program_id, role): limit for program_id, role, limit in rows}


def caseload_limit(*, user: User) -> Decimal | None:
    program_id = user.program_id or 0
    return caseload_limits(program_ids=[program_id]).get((program_id, user.role))


@dataclass(frozen=True)
class Readiness:
    """What the assignment gate and the dashboard check about one person (A5, A6, S41)."""

    verified_credential: bool
    oriented: bool
    confidentiality_signed: bool
    conflict_of_interest_signed: bool


def readiness_for(*, users: Sequence[User], on: date | None = None) -> dict[int, Readiness]:
    """Each person's readiness, ``{user id: Readiness}``, in a number of queries that does
    not grow with the number of people: one each for credentials, orientation and
    signatures, and per program one for its settings and one per statement kind."""
    day = on or clock.today()
    ids = [u.pk for u in users]
    programs = {u.program_id or 0 for u in users}
    settings = {p: rule_settings_for(program_id=p) for p in programs}
    credentials: dict[int, list[rules.CredentialFacts]] = {pk: [] for pk in ids}
    for c in _credentials_verified(ids):
        credentials[c.user_id].append(credential_facts(c, c.last_verified))  # type: ignore[attr-defined]
    oriented = set(
        TrainingCompletion.objects.filter(user_id__in=ids, course__orientation=True).values_list(
            "user_id", flat=True
        )
    )
    current = {
        (p, kind): attestation_current_document(program_id=p, kind=kind)
        for p in programs
        for kind in AttestationKind.values
    }
    signed = {
        (row["user_id"], row["document_id"]): row["last"]
        for row in AttestationSignature.objects.filter(
            user_id__in=ids, document__in=[d for d in current.values() if d is not None]
        )
        .values("user_id", "document_id")
        .annotate(last=Max("signed_at"))
    }

    def attested(user: User, kind: str) -> bool:
        document = current[(user.program_id or 0, kind)]
        at = signed.get((user.pk, document.pk)) if document else None
        return _attested(document, at, day, settings[user.program_id or 0])

    return {
        u.pk: Readiness(
            verified_credential=_any_verified(credentials[u.pk], day, settings[u.program_id or 0]),
            oriented=u.pk in oriented,
            confidentiality_signed=attested(u, AttestationKind.CONFIDENTIALITY),
            conflict_of_interest_signed=attested(u, AttestationKind.CONFLICT_OF_INTEREST),
        )
        for u in users
    }


def assignee_facts_for(
    *, users: Sequence[User], consumer_id: int | None = None
) -> dict[int, rules.AssigneeFacts]:
    """What the assignment gate and the suggestions weigh, for each of `users`, in a
    number of queries that does not grow with the number of people."""
    ids = [u.pk for u in users]
    readiness = readiness_for(users=users)
    loads = caseload_weights(user_ids=ids)
    limits = caseload_limits(program_ids={u.program_id or 0 for u in users})
    previously: set[int] = set()
    if consumer_id:
        assert CASELOAD_READERS.previous_assignees is not None
        previously = CASELOAD_READERS.previous_assignees(user_ids=ids, consumer_id=consumer_id)
    return {
        u.pk: rules.AssigneeFacts(
            verified_credential=readiness[u.pk].verified_credential,
            oriented=readiness[u.pk].oriented,
            confidentiality_signed=readiness[u.pk].confidentiality_signed,
            weighted_load=loads[u.pk],
            limit=limits.get((u.program_id or 0, u.role)),
            languages=frozenset(x.strip() for x in u.languages.split(",") if x.strip()),
            previously_assigned=u.pk in previously,
        )
        for u in users
    }


def assignee_facts(*, user: User, consumer_id: int | None = None) -> rules.AssigneeFacts:
    return assignee_facts_for(users=[user], consumer_id=consumer_id)[user.pk]


@dataclass(frozen=True)
class QualificationReport:
    """What the record page shows: each paragraph's result, and overall by role."""

    case_manager: tuple[rules.Qualification, ...]
    case_manager_met: bool
    supervisor: tuple[rules.Qualification, ...]
    supervisor_met: bool
    clinical: tuple[rules.Qualification, ...]
    clinical_met: bool
    ce: rules.CeStatus


def qualification_report(*, user: User, on: date | None = None) -> QualificationReport:
    day = on or clock.today()
    settings = rule_settings_for(program_id=user.program_id or 0)
    facts = staff_facts(user=user)
    cm = rules.case_manager_qualified(facts, day)
    sup_met, sup = rules.supervisor_qualified(facts, day, settings)
    clin_met, clin = rules.clinical_oversight_3_3(facts, day)
    return QualificationReport(
        case_manager=cm,
        case_manager_met=any(q.met for q in cm),
        supervisor=sup,
        supervisor_met=sup_met,
        clinical=clin,
        clinical_met=clin_met,
        ce=ce_status_for(user=user, on=day),
    )


def ce_status_for(*, user: User, on: date | None = None) -> rules.CeStatus:
    day = on or clock.today()
    settings = rule_settings_for(program_id=user.program_id or 0)
    profile = StaffProfile.objects.filter(user=user).first()
    start = profile.hired_date if profile else day
    required = (
        Credential.objects.filter(user=user, ce_hours_required__isnull=False)
        .values_list("ce_hours_required", flat=True)
        .first()
    )
    hours = ContinuingEducation.objects.filter(user=user).values_list("completed_date", "hours")
    return rules.ce_status(
        list(hours), on=day, start_date=start, settings=settings, required=required
    )


def job_description_gaps(*, user: User, on: date | None = None) -> list[str]:
    """Where the person falls short of their position's written job description (MA 3.4)."""
    profile = StaffProfile.objects.select_related("job_description").filter(user=user).first()
    if profile is None or profile.job_description is None:
        return ["no position with a written job description"]
    job = profile.job_description
    day = on or clock.today()
    facts = staff_facts(user=user)
    gaps = []
    levels = {"associate": 1, "bachelor": 2, "graduate": 3}
    if job.required_degree_level:
        best = max(
            (levels.get(c.degree_level, 0) for c in facts.credentials if c.kind == "degree"),
            default=0,
        )
        if best < levels[job.required_degree_level]:
            gaps.append(f"needs a {job.required_degree_level} degree")
    current = [c for c in facts.credentials if rules.credential_current(c, day)]
    if job.requires_license and not any(c.kind == CredentialKind.LICENSE for c in current):
        gaps.append("needs a current license")
    if job.requires_case_manager_certification and not any(
        c.case_manager_certification for c in current
    ):
        gaps.append("needs case-manager certification")
    if job.role and user.role != job.role:
        gaps.append(f"position is for the {job.role} role")
    return gaps


def staff_list_for(*, user: User, team_only: bool) -> QuerySet[User]:
    qs = User.objects.filter(program_id=user.program_id or 0, is_active=True)
    if team_only:
        qs = qs.filter(team__supervisor_id=user.pk)
    return qs.select_related("team").order_by("last_name", "first_name", "id")


def staff_deadlines_due(*, program_id: int, within_days: int = 30) -> QuerySet[Deadline]:
    """Staff deadline rows (re-verification, expiry, CE, training) due soon or overdue."""
    from datetime import timedelta

    until = clock.now() + timedelta(days=within_days)
    owners = User.objects.filter(program_id=program_id).values("pk")
    return (
        Deadline.objects.filter(
            kind__startswith=STAFF_DEADLINE_PREFIX,
            owner_id__in=owners,
            state__in=[DeadlineState.OPEN, DeadlineState.BREACHED],
            due_at__lte=until,
        )
        .select_related("owner")
        .order_by("due_at", "id")
    )


def corrective_actions_open(*, program_id: int) -> QuerySet[CorrectiveAction]:
    return (
        CorrectiveAction.objects.filter(user__program_id=program_id, status=CorrectiveStatus.OPEN)
        .select_related("user", "owner", "credential")
        .order_by("opened_at", "id")
    )


def training_overdue(*, program_id: int) -> QuerySet[TrainingAssignment]:
    return TrainingAssignment.objects.filter(
        user__program_id=program_id, completed_at__isnull=True, due_date__lt=clock.today()
    ).select_related("user", "course")


@dataclass(frozen=True)
class Dashboard:
    staff: int
    credential_compliant: list[int]
    trained: list[int]
    attestations_outstanding: list[int]
    caseloads: dict[int, Decimal]
    limits: dict[str, Decimal]

    @property
    def credential_rate(self) -> int:
        return round(100 * len(self.credential_compliant) / self.staff) if self.staff else 0

    @property
    def training_rate(self) -> int:
        return round(100 * len(self.trained) / self.staff) if self.staff else 0


CLINICAL_ROLES = (Role.CASE_MANAGER, Role.SUPERVISOR, Role.SENIOR_CLINICAL, Role.PHYSICIAN_ADVISOR)


def dashboard_build(*, program_id: int) -> Dashboard:
    """The governance numbers, each with the ids a supervisor drills into (L2)."""
    people = list(User.objects.filter(program_id=program_id, is_active=True).order_by("id"))
    ready = readiness_for(users=people)
    compliant = [
        u.pk for u in people if u.role not in CLINICAL_ROLES or ready[u.pk].verified_credential
    ]
    trained = [u.pk for u in people if ready[u.pk].oriented]
    outstanding = [
        u.pk
        for u in people
        if not ready[u.pk].confidentiality_signed or not ready[u.pk].conflict_of_interest_signed
    ]
    managers = [u.pk for u in people if u.role == Role.CASE_MANAGER]
    limits = {role: limit for (_, role), limit in caseload_limits(program_ids=[program_id]).items()}
    return Dashboard(
        staff=len(people),
        credential_compliant=compliant,
        trained=trained,
        attestations_outstanding=outstanding,
        caseloads=caseload_weights(user_ids=managers),
        limits=limits,
    )


# --- reads for the staff pages and API (issue 11: no ORM in views or handlers) ----------


def _of_program[M: Model](model: type[M], *, program_id: int, pk: object) -> M | None:
    """Row `pk` of `model` if it belongs to the program; None otherwise."""
    return model.objects.filter(pk=pk, program_id=program_id).first()  # type: ignore[attr-defined]


def staff_member_in_program(*, program_id: int, user_id: int) -> User | None:
    return _of_program(User, program_id=program_id, pk=user_id)


def job_description_in_program(
    *, program_id: int, job_description_id: int
) -> JobDescription | None:
    return _of_program(JobDescription, program_id=program_id, pk=job_description_id)


def course_in_program(*, program_id: int, course_id: int) -> Course | None:
    return _of_program(Course, program_id=program_id, pk=course_id)


def attestation_document_in_program(
    *, program_id: int, document_id: object
) -> AttestationDocument | None:
    """The statement `document_id` of the program (the id as posted by the attest page)."""
    return _of_program(AttestationDocument, program_id=program_id, pk=document_id)


def staff_by_id(*, user_ids: Iterable[int]) -> dict[int, User]:
    return {u.pk: u for u in User.objects.filter(pk__in=list(user_ids))}


def staff_names(*, user_ids: Iterable[int]) -> dict[int, str]:
    """Each user's full name (their user name when they have none), by id."""
    rows = User.objects.filter(pk__in=list(user_ids)).values_list(
        "pk", "first_name", "last_name", "username"
    )
    return {pk: f"{first} {last}".strip() or username for pk, first, last, username in rows}


def credential_compliance_series(
    *, users: Sequence[User], days: Sequence[date]
) -> list[tuple[date, int, int]]:
    """For each of `days`: how many of `users` (those who had joined by then) held a
    current credential verified within the re-verification interval on that day, and
    how many there were, ``[(day, compliant, total)]`` (A5; the quality dashboard's
    chart). Each verification counts from its own date, so a past day is judged by the
    verifications made by then. Three queries whatever the number of people or days."""
    ids = [u.pk for u in users]
    programs = {u.program_id or 0 for u in users}
    settings = {p: rule_settings_for(program_id=p) for p in programs}
    credentials = list(Credential.objects.filter(user_id__in=ids).order_by("id"))
    verified: dict[int, list[date]] = {}
    for credential_id, day in (
        Verification.objects.filter(
            credential__user_id__in=ids, outcome=VerificationOutcome.VERIFIED
        )
        .order_by("verified_date")
        .values_list("credential_id", "verified_date")
    ):
        verified.setdefault(credential_id, []).append(day)
    series = []
    for day in days:
        present = [u for u in users if timezone.localdate(u.date_joined) <= day]
        compliant = 0
        for user in present:
            facts = [
                credential_facts(
                    c, max((d for d in verified.get(c.pk, []) if d <= day), default=None)
                )
                for c in credentials
                if c.user_id == user.pk
            ]
            if _any_verified(facts, day, settings[user.program_id or 0]):
                compliant += 1
        series.append((day, compliant, len(present)))
    return series


def active_staff_ids(*, program_id: int) -> list[int]:
    everyone = User.objects.filter(program_id=program_id, is_active=True)
    return list(everyone.order_by("id").values_list("id", flat=True))


def team_case_managers_by_id(*, supervisor_id: int) -> list[User]:
    """The active case managers on the teams `supervisor_id` supervises, by id (the
    order the assignment suggestions weigh them in)."""
    return list(
        User.objects.filter(
            role=Role.CASE_MANAGER, is_active=True, team__supervisor_id=supervisor_id
        ).order_by("id")
    )


def corrective_actions_open_for(*, user: User, team_only: bool) -> QuerySet[CorrectiveAction]:
    """Open corrective actions of `user`'s program, or of the teams they supervise."""
    qs = corrective_actions_open(program_id=user.program_id or 0)
    return qs.filter(user__team__supervisor_id=user.pk) if team_only else qs


def corrective_actions_recent(*, user_id: int, limit: int = 20) -> list[CorrectiveAction]:
    return list(CorrectiveAction.objects.filter(user_id=user_id).order_by("-opened_at")[:limit])


def training_completions_recent(*, user_id: int, limit: int = 20) -> list[TrainingCompletion]:
    qs = TrainingCompletion.objects.filter(user_id=user_id).select_related("course")
    return list(qs.order_by("-completed_date")[:limit])


def staff_profile_of(*, user: User) -> StaffProfile | None:
    return StaffProfile.objects.filter(user=user).first()


def courses_for(*, program_id: int) -> QuerySet[Course]:
    return Course.objects.filter(program_id=program_id).order_by("title")


def job_descriptions_for(*, program_id: int) -> QuerySet[JobDescription]:
    return JobDescription.objects.filter(program_id=program_id).order_by("title")


def caseload_guidelines_for(*, program_id: int) -> list[CaseloadGuideline]:
    return list(CaseloadGuideline.objects.filter(program_id=program_id).order_by("role"))


def clinical_directors_for(*, program_id: int) -> QuerySet[User]:
    return User.objects.filter(program_id=program_id, profile__clinical_director=True).order_by(
        "last_name", "id"
    )


def verification_with_credential(*, verification_id: int) -> Verification | None:
    return Verification.objects.select_related("credential").filter(pk=verification_id).first()


def mfa_reset_open_for(*, person: User) -> MfaReset | None:
    """The person's MFA reset awaiting approval, with its requester, or None."""
    return (
        MfaReset.objects.select_related("requested_by")
        .filter(person=person, status=MfaResetStatus.REQUESTED)
        .first()
    )


def mfa_authenticator_kinds(*, person: User) -> list[str]:
    """The kinds of second factor the person has (totp, webauthn, recovery_codes)."""
    return sorted(
        Authenticator.objects.filter(user_id=person.pk).values_list("type", flat=True).distinct()
    )
