"""Stays, providers and handoff contents for the transitions tests."""

from datetime import datetime, timedelta
from typing import Any

from casework.core.models import Program
from casework.staff.models import User
from casework.stays import services as stay_services
from casework.stays.models import Stay
from casework.stays.rules import StatusSource, StayClass, StayEvent
from casework.transitions import services
from casework.transitions.rules import PROVIDER_COLUMNS
from tests import factories

CONTENTS: dict[str, Any] = {
    "reason_for_stay": "Heart failure exacerbation",
    "problems": ["Heart failure", "Type 2 diabetes"],
    "medications_start": ["Furosemide 40 mg daily"],
    "medications_stop": ["Ibuprofen"],
    "medications_change": ["Metformin 500 mg twice daily"],
    "allergies": ["Penicillin"],
    "pending_tests": ["BNP"],
    "appointments": ["Cardiology 2026-12-10"],
    "goals_of_care": ["Stay at home"],
    "contacts": ["Dr. Reyes 555-0100"],
}

PROVIDERS_CSV = "\n".join(
    [
        ",".join(PROVIDER_COLUMNS),
        '105001,Sunrise SNF,skilled_nursing,1 Main St,Springfield,IL,62701,555-0101,62702,Y,4,"falls=1.2",N',  # noqa: E501
        "105002,Maple SNF,skilled_nursing,2 Oak St,Springfield,IL,62702,555-0102,62701,Y,5,,Y",
        "105003,Not Medicare SNF,skilled_nursing,,,,62701,,,N,3,,N",
        "105004,Far SNF,skilled_nursing,,,,60601,,,Y,5,,N",
        "105005,Home Health Co,home_health,,,,62701,,,Y,3,,N",
    ]
)


def via(user: User) -> stay_services.Via:
    return stay_services.Via(source=StatusSource.API, actor=factories.actor(user))


def admit(
    cm: User,
    *,
    at: datetime,
    visit: str,
    consumer_id: int | None = None,
    stay_class: StayClass = StayClass.INPATIENT,
) -> Stay:
    """A stay of a consumer on `cm`'s caseload (a new active case unless `consumer_id`)."""
    if consumer_id is None:
        case = factories.active_case(cm)
        consumer, case_id = factories.consumer_of(case), case.pk
    else:
        from casework.consumers.models import Consumer

        consumer, case_id = Consumer.objects.get(pk=consumer_id), None
    assert cm.program is not None
    return stay_services.stay_create(
        program=cm.program,
        consumer=consumer,
        facts=stay_services.StayFacts(
            visit_number=visit, stay_class=stay_class, admitted_at=at, case_id=case_id
        ),
        via=via(cm),
        drg_version="demo-v42",
    )


def discharge(stay: Stay, cm: User, at: datetime) -> Stay:
    return stay_services.stay_discharge(stay=stay, at=at, via=via(cm))


def cancel_discharge(stay: Stay, cm: User, at: datetime) -> Stay:
    return stay_services.stay_cancel(
        stay=stay, cancel=StayEvent.CANCEL_DISCHARGE, at=at, via=via(cm)
    )


def load_providers(program: Program) -> None:
    report = services.providers_import(program=program, text=PROVIDERS_CSV)
    assert (report.created, report.rejects) == (5, [])


def hours_ago(now: datetime, hours: float) -> datetime:
    return now - timedelta(hours=hours)
