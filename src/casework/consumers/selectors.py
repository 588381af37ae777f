"""Reads of consumers for other contexts."""

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from casework.consumers.models import (
    AdvanceDirective,
    Consumer,
    ConsumerMerge,
    SupportPerson,
    SupportRecordRevision,
)
from casework.consumers.rules import SearchTerms, likely_same_person

SEARCH_FIELDS = ("id", "given_name", "family_name", "birth_date", "mrn", "member_id", "phone")


def _starts(field: str, prefix: str) -> Q:
    """`field` (lower-cased) starts with `prefix`: as a range, so the expression index on
    the lower-cased field serves it, and as a LIKE, so the range's edges are exact."""
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": after, f"{field}__startswith": prefix})


def _matching(reach: Q, terms: SearchTerms) -> QuerySet[Consumer]:
    qs = Consumer.objects.filter(reach).alias(
        family_lower=Lower("family_name"), given_lower=Lower("given_name")
    )
    for name in terms.names:
        qs = qs.filter(_starts("family_lower", name) | _starts("given_lower", name))
    if terms.birth_date is not None:
        qs = qs.filter(birth_date=terms.birth_date)
    if terms.identifier:
        wanted = {terms.identifier, terms.identifier.upper()}
        qs = qs.filter(Q(mrn__in=wanted) | Q(member_id__in=wanted))
    if terms.phone_digits:
        qs = qs.filter(phone_digits=terms.phone_digits)
    return qs


def consumer_search(*, reach: Q, terms: SearchTerms, limit: int = 50) -> list[Consumer]:
    """The consumers within `reach` (the caller's relationship filter: web.access.reach_q)
    matching every part of `terms`, by name then birth date; at most `limit` + 1 rows, so
    the caller can say there are more. Loads only what a result row shows."""
    if terms.empty:
        return []
    qs = _matching(reach, terms).filter(merged_into=None)
    return list(
        qs.order_by("family_name", "given_name", "birth_date", "id").only(*SEARCH_FIELDS)[
            : limit + 1
        ]
    )


def consumer_directory(*, reach: Q, offset: int, limit: int) -> tuple[int, list[Consumer]]:
    """A page of every consumer within `reach` (not merged into another), by name, and
    how many there are."""
    qs = Consumer.objects.filter(reach, merged_into=None)
    rows = list(
        qs.order_by("family_name", "given_name", "id").only(*SEARCH_FIELDS)[offset : offset + limit]
    )
    return qs.count(), rows


def consumer_ids_matching(*, program_id: int, terms: SearchTerms, limit: int) -> list[int]:
    """The ids of the program's consumers matching `terms` (a name, birth date, record
    number, member id or phone, as on *Find a consumer*), at most `limit` + 1 of them."""
    if terms.empty:
        return []
    qs = _matching(Q(program_id=program_id), terms)
    return list(qs.order_by("id").values_list("pk", flat=True)[: limit + 1])


def consumer_labels(*, program_id: int, consumer_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Each of the program's consumers' name ("Family, Given") and record number, by id:
    what the audit report shows instead of the id."""
    rows = Consumer.objects.filter(program_id=program_id, pk__in=consumer_ids).values_list(
        "pk", "family_name", "given_name", "mrn"
    )
    return {pk: (f"{family}, {given}", mrn) for pk, family, given, mrn in rows}


def consumer_ids_of_program(*, program_id: int) -> QuerySet[Consumer, int]:
    """The ids of a program's consumers, as a subquery."""
    return Consumer.objects.filter(program_id=program_id).values_list("pk", flat=True)


def record_number_holder(*, program_id: int, mrn: str, other_than: int | None = None) -> int | None:
    """The consumer of the program who holds record number `mrn` (not one awaiting a
    link), other than `other_than`; None when nobody does."""
    holders = Consumer.objects.filter(program_id=program_id, mrn=mrn, mrn_link_pending=False)
    if other_than is not None:
        holders = holders.exclude(pk=other_than)
    return holders.values_list("pk", flat=True).first()


def likely_duplicates(
    *, program_id: int, given_name: str, family_name: str, birth_date: date, mrn: str = ""
) -> list[int]:
    """The program's consumers (not merged away) likely to be the person described
    (issue 13, item 9): the same birth date and the same normalised name
    (`rules.likely_same_person`), with another record number or none. By id."""
    rows = (
        Consumer.objects.filter(program_id=program_id, birth_date=birth_date, merged_into=None)
        .values_list("pk", "given_name", "family_name", "mrn")
        .order_by("pk")
    )
    return [
        pk
        for pk, given, family, number in rows
        if (not mrn or number != mrn) and likely_same_person(given_name, family_name, given, family)
    ]


def merge_candidates(*, consumer: Consumer, reach: Q) -> list[Consumer]:
    """The records within `reach` a supervisor may merge into `consumer`: likely the same
    person (`likely_duplicates`), or given its record number while awaiting a link (S5).
    Not the consumer itself, nor records merged already."""
    ids = set(
        likely_duplicates(
            program_id=consumer.program_id,
            given_name=consumer.given_name,
            family_name=consumer.family_name,
            birth_date=consumer.birth_date,
        )
    )
    same_number = Q(mrn=consumer.mrn, mrn_link_pending=True) if consumer.mrn else Q(pk__in=[])
    return list(
        Consumer.objects.filter(reach, Q(pk__in=ids) | same_number)
        .filter(program_id=consumer.program_id, merged_into=None)
        .exclude(pk=consumer.pk)
        .order_by("family_name", "given_name", "pk")
    )


def consumer_list_by_ids(*, consumer_ids: list[int]) -> list[Consumer]:
    """The consumers named, in the order given (what a choice among them shows)."""
    rows = Consumer.objects.in_bulk(consumer_ids)
    return [rows[pk] for pk in consumer_ids if pk in rows]


def consumer_merge_list(*, consumer_id: int) -> QuerySet[ConsumerMerge]:
    """The merges into or of a consumer, newest first (undone ones too)."""
    return (
        ConsumerMerge.objects.filter(Q(survivor_id=consumer_id) | Q(merged_id=consumer_id))
        .select_related("survivor", "merged", "merged_by", "undone_by")
        .order_by("-merged_at", "-pk")
    )


def consumer_merge_of(*, consumer_id: int, merge_id: int) -> ConsumerMerge | None:
    """Merge `merge_id` if its kept record is the consumer."""
    return (
        ConsumerMerge.objects.filter(pk=merge_id, survivor_id=consumer_id)
        .select_related("survivor", "merged")
        .first()
    )


def consumer_section(*, consumer: Consumer) -> dict[str, Any]:
    """The consumer's support system, as the case and consumer pages show it (C4, C5):
    what is recorded now (removed records are kept, not shown)."""
    support_persons = list(support_person_list(consumer_id=consumer.pk))
    return {
        "support_persons": support_persons,
        "legal_decision_maker": next(
            (p for p in support_persons if p.is_legal_decision_maker), None
        ),
        "directives": list(advance_directive_list(consumer_id=consumer.pk)),
    }


def support_person_list(*, consumer_id: int) -> QuerySet[SupportPerson]:
    """The consumer's support persons (not removed): the legal decision maker first, then
    by name."""
    return (
        SupportPerson.objects.filter(consumer_id=consumer_id, removed_at=None)
        .select_related("created_by")
        .order_by("-is_legal_decision_maker", "name", "id")
    )


def legal_decision_makers(*, consumer_id: int) -> QuerySet[SupportPerson]:
    """The consumer's legal decision maker (not removed), as a query (at most one row)."""
    return SupportPerson.objects.filter(
        consumer_id=consumer_id, is_legal_decision_maker=True, removed_at=None
    )


def support_person_of(*, consumer_id: int, support_person_id: int) -> SupportPerson | None:
    """Support person `support_person_id` if they belong to the consumer and are not
    removed."""
    return SupportPerson.objects.filter(
        pk=support_person_id, consumer_id=consumer_id, removed_at=None
    ).first()


def advance_directive_list(*, consumer_id: int) -> QuerySet[AdvanceDirective]:
    """The consumer's advance directives (not removed), newest first."""
    return (
        AdvanceDirective.objects.filter(consumer_id=consumer_id, removed_at=None)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")
    )


def advance_directive_of(*, consumer_id: int, directive_id: int) -> AdvanceDirective | None:
    """Advance directive `directive_id` if it belongs to the consumer and is not removed."""
    return AdvanceDirective.objects.filter(
        pk=directive_id, consumer_id=consumer_id, removed_at=None
    ).first()


def support_record_revisions(
    *, record_kind: str, record_id: int
) -> QuerySet[SupportRecordRevision]:
    """The earlier versions of a support person or advance directive, oldest first."""
    return SupportRecordRevision.objects.filter(
        record_kind=record_kind, record_id=record_id
    ).order_by("version")
