"""Test data built through the real services, so every fixture passes the same rules."""

import itertools
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from casework.cases import services as case_services
from casework.cases.models import Case
from casework.consumers.models import Consumer
from casework.core import clock
from casework.core.actor import Actor, actor_for
from casework.core.models import Program, Team
from casework.core.roles import Role
from casework.staff.models import (
    AttestationDocument,
    AttestationKind,
    AttestationSignature,
    Course,
    Credential,
    TrainingCompletion,
    User,
    Verification,
)


def typed_time(moment: datetime, program: Program | None = None) -> str:
    """`moment` as a person types it into a page: local time in the program's zone
    (pages read typed times so, `casework.web.local_time`), minutes only."""
    zone = (
        program.time_zone if program is not None else Program._meta.get_field("time_zone").default
    )
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def local_today(program: Program | None = None, at: datetime | None = None) -> date:
    """Today in the program's zone: the day a person there types as today, and the day the
    product compares typed dates with (after midnight UTC it is still yesterday in New York).
    With `at`, the program's day of that instant instead."""
    zone = (
        program.time_zone if program is not None else Program._meta.get_field("time_zone").default
    )
    return (at or clock.now()).astimezone(ZoneInfo(zone)).date()


if TYPE_CHECKING:
    from casework.assessments.models import Instrument
    from casework.stays.models import Stay
    from casework.stays.payers.models import PayerSettings, StayDenial

_seq = itertools.count(1)


def program(code: str = "main") -> Program:
    return Program.objects.create(
        code=code,
        name=f"Program {code}",
        purpose_statement="Helps adults with complex conditions coordinate their care.",
        complaint_contact="Call 555-0100 or write to the program office.",
        after_closure_contact="Call 555-0100 if your needs change.",
    )


def user(
    role: str,
    prog: Program,
    team: Team | None = None,
    username: str = "",
    *,
    compliant: bool = True,
) -> User:
    """A staff member; compliant by default (verified license, orientation, signed
    current confidentiality statement) so the staff gates let them work."""
    n = next(_seq)
    u = User.objects.create_user(
        username=username or f"{role}{n}",
        password=None,
        role=role,
        program=prog,
        team=team,
        first_name=role.replace("_", " ").title(),
        last_name=str(n),
    )
    if compliant:
        make_compliant(u)
    return u


def confidentiality_statement(prog: Program) -> AttestationDocument:
    """The program's current confidentiality statement (version 1 unless published)."""
    current = (
        AttestationDocument.objects.filter(program=prog, kind=AttestationKind.CONFIDENTIALITY)
        .order_by("-version")
        .first()
    )
    return current or AttestationDocument.objects.create(
        program=prog,
        kind=AttestationKind.CONFIDENTIALITY,
        version=1,
        title="Confidentiality statement",
        body="I keep consumer information confidential.",
        published_at=clock.now() - timedelta(days=1),
    )


def orientation_course(prog: Program) -> Course:
    course, _ = Course.objects.get_or_create(
        program=prog,
        code="orientation",
        defaults={"title": "Orientation", "topics": ["8.1a"], "orientation": True},
    )
    return course


def verified_license(
    u: User, *, expires: date | None = None, verified: date | None = None
) -> Credential:
    today = clock.today()
    license_ = Credential.objects.create(
        user=u,
        kind="license",
        credential_type="RN",
        state="IL",
        number=f"RN{u.pk:06d}",
        expires_date=expires or today + timedelta(days=730),
        independent_assessment=True,
        clinical=True,
        created_at=clock.now(),
    )
    Verification.objects.create(
        credential=license_,
        source="primary",
        source_name="State board",
        verified_date=verified or today - timedelta(days=1),
        outcome="verified",
        verifier=u,
        created_at=clock.now(),
    )
    return license_


def make_compliant(u: User) -> None:
    """Fixture data written directly (no audit events), so existing audit counts hold."""
    assert u.program is not None
    verified_license(u)
    TrainingCompletion.objects.create(
        user=u,
        course=orientation_course(u.program),
        completed_date=clock.today() - timedelta(days=1),
        evidence="Sign-in sheet",
        recorded_by=u,
        recorded_at=clock.now(),
    )
    sign_confidentiality(u)


def sign_confidentiality(u: User) -> AttestationSignature:
    assert u.program is not None
    return AttestationSignature.objects.create(
        user=u, document=confidentiality_statement(u.program), signed_at=clock.now()
    )


def team(prog: Program, name: str = "Team A") -> tuple[Team, User]:
    """A team with its supervisor."""
    t = Team.objects.create(program=prog, name=name)
    sup = user(Role.SUPERVISOR, prog, t)
    t.supervisor = sup
    t.save()
    return t, sup


def actor(u: User) -> Actor:
    return actor_for(u, address="127.0.0.1")


def consumer_fields(**overrides: object) -> dict[str, object]:
    n = next(_seq)
    fields: dict[str, object] = {
        "given_name": f"Given{n}",
        "family_name": f"Family{n}",
        "birth_date": date(1950, 1, 1) + timedelta(days=n),
        "sex": "female",
        "preferred_language": "en",
        "mrn": f"MRN{n:06d}",
    }
    fields.update(overrides)
    return fields


def referred_case(cm: User, **consumer_overrides: object) -> Case:
    """A new referral, opened by (and assigned to) case manager `cm`."""
    return case_services.referral_intake(
        actor=actor(cm),
        source="professional",
        referrer_name="Dr. Referrer",
        referrer_organization="Clinic",
        reason="Frequent admissions",
        received_at=clock.now(),
        new_consumer=consumer_fields(**consumer_overrides),  # type: ignore[arg-type]
    )


def give_enrollment_notices(cm: User, case: Case, when: datetime | None = None) -> None:
    at = when or clock.now()
    for kind in ("program_purpose", "complaint_process", "privacy_practices"):
        case_services.notice_record(
            actor=actor(cm),
            case=case,
            kind=kind,
            method="in_person",
            delivered_at=at,
            acknowledgement="acknowledged",
        )


def engaged_case(cm: User, **consumer_overrides: object) -> Case:
    case = referred_case(cm, **consumer_overrides)
    give_enrollment_notices(cm, case)
    case_services.consent_record(
        actor=actor(cm), case=case, decision="granted", method="written", decided_at=clock.now()
    )
    case.refresh_from_db()
    return case


def active_case(cm: User, **consumer_overrides: object) -> Case:
    case = engaged_case(cm, **consumer_overrides)
    case_services.case_activate(actor=actor(cm), case=case, version=case.version)
    case.refresh_from_db()
    return case


def consumer_of(case: Case) -> Consumer:
    return Consumer.objects.get(pk=case.consumer_id)


def instruments() -> None:
    """The shipped instruments, as the migration loads them. A transactional test (the
    browser journeys) flushes the tables afterwards, migration data included, so tests
    that need them load them again here (the loader skips versions already stored)."""
    from casework.assessments.services import instruments_load

    instruments_load()


def instrument(code: str) -> "Instrument":
    """The current version of a shipped instrument."""
    from casework.assessments.models import Instrument

    found = Instrument.objects.filter(code=code, is_current=True).first()
    if found is None:
        instruments()
        found = Instrument.objects.get(code=code, is_current=True)
    return found


PART2_INSTRUMENT = "sud_screen_test"


def part2_instrument() -> "Instrument":
    """A substance-use screen marked Part 2 in its definition (S40): the PHQ-2's questions
    under another code and title, standing in for AUDIT-C or DAST-10."""
    from casework.assessments.models import Instrument

    found = Instrument.objects.filter(code=PART2_INSTRUMENT, is_current=True).first()
    if found is not None:
        return found
    definition = {
        **instrument("phq2").definition,
        "code": PART2_INSTRUMENT,
        "title": "Substance use screen (test)",
        "part2": True,
    }
    return Instrument.objects.create(
        code=PART2_INSTRUMENT,
        version="1.0",
        title=definition["title"],
        source="test",
        definition=definition,
        loaded_at=clock.now(),
    )


def care_team_member(cm: User, case: Case, name: str = "Ana Lopez", role: str = "Case manager"):  # type: ignore[no-untyped-def]
    from casework.coordination import services as coordination_services

    return coordination_services.care_team_member_add(
        actor=actor(cm), case=case, name=name, role=role
    )


PHQ9_ZERO = {f"phq9_{n}": "LA6568-5" for n in range(1, 10)}


def assessment(cm: User, case: Case, code: str = "phq9", answers: dict | None = None):  # type: ignore[no-untyped-def,type-arg]
    from casework.assessments import services as assessment_services

    return assessment_services.assessment_record(
        actor=actor(cm),
        case=case,
        instrument=instrument(code),
        answers=answers if answers is not None else dict(PHQ9_ZERO),
        participants="Consumer and daughter",
        language="en",
    )


def payer_settings(prog: Program, name: str = "Acme Medicaid") -> "PayerSettings":
    """The payer `name`'s terms in `prog`, from the Medicaid managed care preset."""
    from casework.stays.payers.services import payer_settings_from_preset

    return payer_settings_from_preset(program=prog, name=name, payer_type="medicaid_managed_care")


def payer_stay(prog: Program, cm: User, payer_name: str = "Acme Medicaid", days: int = 4) -> "Stay":
    """An inpatient stay of a new active case of `cm`'s, admitted `days` ago, with
    `payer_name` as its payer (arrived through the API)."""
    from casework.stays import services as stay_services
    from casework.stays.rules import StatusSource, StayClass

    case = active_case(cm)
    return stay_services.stay_create(
        program=prog,
        consumer=consumer_of(case),
        facts=stay_services.StayFacts(
            visit_number=f"P{case.pk}",
            stay_class=StayClass.INPATIENT,
            admitted_at=clock.now() - timedelta(days=days),
            payer=payer_name,
        ),
        via=stay_services.Via(source=StatusSource.API, actor=actor(cm)),
        drg_version="demo-v42",
    )


def stay_denial(cm: User, stay: "Stay", **facts: object) -> "StayDenial":
    """A medical-necessity denial of two days ($4,200) received yesterday (New York),
    recorded by `cm`; `facts` override any of its facts."""
    from decimal import Decimal

    from casework.stays.payers import services as payer_services

    received = clock.now().astimezone(ZoneInfo("America/New_York")).date() - timedelta(days=1)
    return payer_services.denial_record(
        actor=actor(cm),
        stay=stay,
        facts=payer_services.DenialFacts(
            **{
                "kind": "medical_necessity",
                "reason": "Observation level suffices",
                "reason_category": "lower_level_of_care",
                "received_date": received,
                "denied_days": 2,
                "denied_amount": Decimal("4200.00"),
                **facts,
            }
        ),
    )
