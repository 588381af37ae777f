"""Reads for instruments, responses and needs."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from casework.assessments import rules
from casework.assessments.models import AssessmentResponse, Instrument, Need, NeedStatus
from casework.coordination.rules import PART2_NOTICE
from casework.coordination.selectors import part2_visible_q
from casework.core.actor import Actor


def instrument_list_current() -> QuerySet[Instrument]:
    return Instrument.objects.filter(is_current=True).order_by("title", "id")


def instrument_current(*, code: str) -> Instrument | None:
    return Instrument.objects.filter(code=code, is_current=True).first()


def response_visible_q(actor: Actor, *, consumer_ref: str = "case__consumer_id") -> Q:
    """The responses `actor` may see: the Part 2 segmentation of notes (S40), the same
    predicate, with the assessor as the author."""
    return part2_visible_q(actor, consumer_ref=consumer_ref, author_field="administered_by_id")


def response_list_for_case(*, case_id: int, actor: Actor) -> QuerySet[AssessmentResponse]:
    """The case's responses `actor` may see (Part 2 records only as `part2_visible_q`
    says), newest first."""
    return (
        AssessmentResponse.objects.filter(response_visible_q(actor), case_id=case_id)
        .select_related("instrument", "administered_by")
        .order_by("-administered_at", "-id")
    )


def need_visible_q(actor: Actor, *, prefix: str = "") -> Q:
    """The needs `actor` may see (S40): a need recorded by hand, and one suggested by an
    assessment `actor` may see (`response_visible_q`, the assessor as the author). A need
    derived from a Part 2 record is a Part 2 record, whether suggested or since confirmed.
    `prefix` is the path to the need from another model (`need__` from a plan problem)."""
    return Q(**{f"{prefix}source_response": None}) | part2_visible_q(
        actor,
        consumer_ref=f"{prefix}case__consumer_id",
        author_field=f"{prefix}source_response__administered_by_id",
        flag=f"{prefix}source_response__part2",
    )


def need_list_for_case(*, case_id: int, actor: Actor) -> QuerySet[Need]:
    """The needs `actor` may see (`need_visible_q`): open needs first (suggested, then
    confirmed by priority), dismissed last."""
    return (
        Need.objects.filter(need_visible_q(actor), case_id=case_id)
        .exclude(status=NeedStatus.DISMISSED)
        .order_by("kind", "status", "acuity", "consumer_priority", "id")
    )


def need_suggested_for_case(*, case_id: int, actor: Actor) -> list[Need]:
    """The case's needs still awaiting a decision (suggested from positive findings) that
    `actor` may see."""
    return list(
        Need.objects.filter(
            need_visible_q(actor), case_id=case_id, status=NeedStatus.SUGGESTED
        ).order_by("kind", "id")
    )


def need_confirmed_problems(*, case_id: int, actor: Actor) -> QuerySet[Need]:
    """The confirmed problems `actor` may see: what the plan of care offers to start a
    problem from."""
    return Need.objects.filter(
        need_visible_q(actor), case_id=case_id, kind="problem", status=NeedStatus.CONFIRMED
    ).order_by("acuity", "consumer_priority", "id")


def need_of_case(*, case_id: int, need_id: int, actor: Actor) -> Need | None:
    """Need `need_id` if it belongs to case `case_id` and `actor` may see it."""
    return (
        Need.objects.filter(need_visible_q(actor), pk=need_id, case_id=case_id)
        .select_related("case")
        .first()
    )


@dataclass(frozen=True)
class ResponseRow:
    """A response as a list shows it: with its positive findings named in words."""

    response: AssessmentResponse
    positive_findings: list[str]


def response_positive_findings(response: AssessmentResponse) -> list[str]:
    """The labels of the domains `response` screened positive on, in the instrument's
    order (its instrument loaded)."""
    labels = rules.domain_labels(response.instrument.definition)
    domains = response.result.get("domains", {})
    return [label for code, label in labels.items() if domains.get(code) == rules.POSITIVE]


def case_section(*, case_id: int, actor: Actor) -> dict[str, Any]:
    """The latest assessments `actor` may see and the needs, as the case page shows them
    (D1-D4)."""
    every = list(response_list_for_case(case_id=case_id, actor=actor))
    needs = list(need_list_for_case(case_id=case_id, actor=actor))
    return {
        "assessments": [
            ResponseRow(response, response_positive_findings(response)) for response in every[:10]
        ],
        "assessment_history": every,
        "needs": needs,
        "suggested_needs": sum(1 for n in needs if n.status == NeedStatus.SUGGESTED),
        "part2_notice": PART2_NOTICE,
    }


def instrument_by_id(*, instrument_id: int) -> Instrument | None:
    """Any version of an instrument, current or not."""
    return Instrument.objects.filter(pk=instrument_id).first()
