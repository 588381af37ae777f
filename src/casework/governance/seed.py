"""Demo seed of this context (composed by `casework.demo`): a compliance register with
entries overdue, due and scheduled; a legal hold on a consumer; a right-of-access
request on its 30-day clock; a disclosure for the accounting."""

from datetime import date, datetime, timedelta

from django.db import transaction

from casework.cases.models import Case, CaseState
from casework.core.actor import actor_for
from casework.core.models import Program
from casework.governance import services
from casework.governance.models import ComplianceRequirement
from casework.staff.models import User

# (kind, jurisdiction, title, citation, days from today to the next review)
REGISTER = (
    (
        "regulation",
        "US",
        "HIPAA Privacy Rule: accounting of disclosures",
        "45 CFR 164.528",
        -12,
    ),
    (
        "regulation",
        "US",
        "Confidentiality of substance use disorder records",
        "42 CFR Part 2",
        9,
    ),
    (
        "accreditation",
        "US",
        "Case management accreditation: consumer rights standard",
        "Accreditation standard CM-RR 1",
        20,
    ),
    (
        "policy",
        "US-CA",
        "Program policy: retention and destruction of case records",
        "Policy GOV-4",
        120,
    ),
)
EVIDENCE = ["https://www.hhs.gov/hipaa/for-professionals/privacy/index.html"]


def _requirement_overdue(requirement: ComplianceRequirement, review_date: date) -> None:
    """Date the demo entry's review in the past (a review the program missed): the service
    refuses a past date for a new entry, which is right for everyone but the demo."""
    with transaction.atomic():
        ComplianceRequirement.objects.filter(pk=requirement.pk).update(review_date=review_date)
        requirement.review_date = review_date
        services.requirement_review_clock_set(requirement)


def governance_seed(*, program: Program, officer: User, manager: User, now: datetime) -> None:
    actor = actor_for(officer, address="127.0.0.1")
    today = now.date()
    for kind, jurisdiction, title, citation, days in REGISTER:
        requirement = services.requirement_create(
            actor=actor,
            program=program,
            jurisdiction=jurisdiction,
            kind=kind,
            title=title,
            citation=citation,
            owner_id=officer.pk,
            review_date=today + timedelta(days=max(days, 0)),
            evidence_links=EVIDENCE,
        )
        if days < 0:
            _requirement_overdue(requirement, today + timedelta(days=days))
    cases = list(
        Case.objects.filter(assigned_to=manager, state=CaseState.ACTIVE)
        .select_related("consumer")
        .order_by("pk")[:2]
    )
    if len(cases) < 2:
        return
    services.legal_hold_place(
        actor=actor,
        consumer=cases[0].consumer,
        reason="Litigation hold: notice of claim DEMO-2026-114 (keep every record)",
    )
    services.access_request_receive(
        actor=actor,
        consumer=cases[1].consumer,
        received_at=now - timedelta(days=12),
        requested_by="The consumer, in writing",
        format="fhir",
    )
    services.disclosure_record(
        actor=actor,
        consumer=cases[1].consumer,
        disclosed_at=now - timedelta(days=3),
        recipient="County Adult Protective Services",
        recipient_address="100 Main Street, Suite 2",
        channel="phone",
        description="Name, address and the suspected neglect observed at the home visit",
        purpose="Mandated report of suspected elder neglect",
        authority="abuse_report",
    )
