"""Demo seed of this context (composed by `casework.demo`): the staff accounts with
generated passwords, and their governance: statements, courses, positions and compliant
staff records.

Built through the staff services, so the demo passes the same gates as real data."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from casework.core import clock
from casework.core.actor import actor_for
from casework.core.models import Program, Team
from casework.core.roles import Role
from casework.staff import services
from casework.staff.models import AttestationKind, User

STAFF = [
    ("supervisor", Role.SUPERVISOR, "Sam", "Rivera", "en,es"),
    ("cm.alvarez", Role.CASE_MANAGER, "Lucia", "Alvarez", "en,es"),
    ("cm.baker", Role.CASE_MANAGER, "Tom", "Baker", "en"),
    ("cm.chen", Role.CASE_MANAGER, "Mei", "Chen", "en"),
    ("senior", Role.SENIOR_CLINICAL, "Rita", "Okafor", "en"),
    ("physician", Role.PHYSICIAN_ADVISOR, "Dr. Paul", "Meyer", "en"),
    ("quality", Role.QUALITY_ANALYST, "Quentin", "Hale", "en"),
    ("compliance", Role.COMPLIANCE_OFFICER, "Carla", "Diaz", "en,es"),
    ("admin", Role.ADMINISTRATOR, "Ada", "Park", "en"),
    ("auditor", Role.AUDITOR, "Omar", "Fitch", "en"),
]

CONFIDENTIALITY_TEXT = (
    "I understand that I must keep every consumer's health information confidential, "
    "use it only for case management and its evaluation, and share it only with people "
    "who are allowed to see it (Model Act 7.3)."
)
CONFLICT_TEXT = (
    "I will disclose any relationship or interest that could compromise my professional "
    "objectivity, and follow the program's policy for resolving conflicts of interest "
    "(Model Act 10.1)."
)


@dataclass(frozen=True)
class SeededAccount:
    """A demo account and its generated password (shown once, kept in the accounts file)."""

    user: User
    password: str


def staff_accounts_seed(*, program: Program, team: Team) -> list[SeededAccount]:
    """One account per person in `STAFF`, each with a generated password; supervisors and
    case managers join the team (the first supervisor leads it)."""
    seeded = []
    for username, role, first, last, languages in STAFF:
        password = services.password_generate()
        user = services.staff_account_create(
            username=username,
            role=role,
            password=password,
            program=program,
            team=team if role in (Role.SUPERVISOR, Role.CASE_MANAGER) else None,
            first_name=first,
            last_name=last,
            languages=languages,
        )
        seeded.append(SeededAccount(user, password))
    team.refresh_from_db()  # the supervisor now leads it (the accounts share this object)
    return seeded


def staff_governance_seed(*, admin: User, people: list[User]) -> None:
    """Publish the statements, the orientation and annual antifraud courses, the case
    manager position and caseload guideline; give every person a verified license,
    orientation and signed statements."""
    actor = actor_for(admin, address="127.0.0.1")
    today = clock.today()
    statements = [
        services.attestation_publish(
            actor=actor,
            kind=AttestationKind.CONFIDENTIALITY,
            title="Confidentiality statement",
            body=CONFIDENTIALITY_TEXT,
        ),
        services.attestation_publish(
            actor=actor,
            kind=AttestationKind.CONFLICT_OF_INTEREST,
            title="Conflict-of-interest attestation",
            body=CONFLICT_TEXT,
        ),
    ]
    orientation = services.course_create(
        actor=actor,
        code="orientation",
        title="New staff orientation",
        topics=["8.1a", "8.1c", "8.1d", "8.1e", "8.1f", "8.1g", "8.1h", "8.1i"],
        orientation=True,
    )
    services.course_create(
        actor=actor,
        code="antifraud",
        title="Annual antifraud and ethics education",
        topics=sorted(t for t in ("10.1a", "10.1b", "10.1c", "10.1d", "10.1e", "10.1f",
                                  "10.1g", "10.1h")),
        recurrence_months=12,
    )  # fmt: skip
    job = services.job_description_save(
        actor=actor,
        title="Case manager",
        role=Role.CASE_MANAGER,
        required_education="Bachelor's degree in nursing or social work; orientation.",
        required_degree_level="bachelor",
        competencies="Assessment, care planning, care coordination, cultural competence.",
        licensure="Current unrestricted RN or LCSW license, or CCM certification.",
        requires_license=True,
        scope="Carries a caseload of adults with complex needs (Model Act §IV).",
    )
    services.caseload_guideline_set(
        actor=actor,
        role=Role.CASE_MANAGER,
        max_weighted_load=Decimal(60),
        rationale=(
            "Community program, mixed complexity; a high-complexity, high-severity case "
            "weighs 4.5, a low one 1 (Model Act 5.1(n))."
        ),
    )
    for n, person in enumerate(people):
        services.staff_profile_save(
            actor=actor,
            user=person,
            job_description=job if person.role == Role.CASE_MANAGER else None,
            hired_date=today - timedelta(days=400),
            case_manager_years=Decimal(4 + n % 4),
        )
        license_ = services.credential_add(
            actor=actor,
            user=person,
            kind="license",
            credential_type="RN",
            state="IL",
            number=f"041-{300000 + n}",
            issuing_body="State board of nursing",
            expires_date=date(today.year + 2, 5, 31),
            independent_assessment=True,
            clinical=True,
        )
        services.verification_record(
            actor=actor,
            credential=license_,
            source="primary",
            source_name="State board of nursing license lookup",
            verified_date=today - timedelta(days=30),
            outcome="verified",
        )
        services.credential_add(
            actor=actor,
            user=person,
            kind="degree",
            credential_type="BSN",
            issuing_body="Springfield State University",
            degree_level="bachelor",
            accredited=True,
            supervised_field_experience=True,
        )
        services.training_complete(
            actor=actor,
            user=person,
            course=orientation,
            completed_date=today - timedelta(days=380),
            evidence="Orientation sign-in sheet",
        )
        own = actor_for(person, address="127.0.0.1")
        for statement in statements:
            services.attestation_sign(actor=own, document=statement)
