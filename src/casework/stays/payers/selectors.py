"""Reads of the payer interface and denials (H2, H4)."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

from casework.core.clocks import ClockUnit
from casework.core.models import Deadline
from casework.stays.models import Stay, StayReview
from casework.stays.payers import rules
from casework.stays.payers.deadlines import AUTHORIZATION, DENIAL, PEER_TO_PEER
from casework.stays.payers.models import (
    DENIAL_KIND_LABELS,
    PayerAppealLevel,
    PayerSettings,
    StayAppeal,
    StayAuthorization,
    StayDenial,
    StayPeerToPeer,
)
from casework.stays.rules import totals_by, weekly_totals


def payer_settings_list(*, program_id: int) -> QuerySet[PayerSettings]:
    """The program's payers with their appeal levels (one query for the levels)."""
    return (
        PayerSettings.objects.filter(program_id=program_id)
        .prefetch_related("levels")
        .order_by("name", "pk")
    )


def payer_for_stay(*, stay: Stay) -> PayerSettings | None:
    """The settings of the stay's payer (matched by name, case-insensitive)."""
    if not stay.payer:
        return None
    return (
        PayerSettings.objects.filter(program_id=stay.program_id, name__iexact=stay.payer.strip())
        .prefetch_related("levels")
        .first()
    )


def _limit(amount: int, unit: str, citation: str) -> rules.Limit:
    return rules.Limit(amount=amount, unit=ClockUnit(unit), citation=citation)


def _level(row: PayerAppealLevel) -> rules.AppealLevelTerms:
    return rules.AppealLevelTerms(
        level=row.level,
        name=row.name,
        filing=_limit(row.filing_amount, row.filing_unit, row.citation),
        decision=_limit(row.decision_amount, row.decision_unit, row.citation),
        expedited_decision=_limit(row.expedited_amount, row.expedited_unit, row.citation),
    )


def payer_terms(payer: PayerSettings) -> rules.PayerTerms:
    """The payer's settings as the rules read them (levels from the prefetch if any)."""
    return rules.PayerTerms(
        payer_type=rules.PayerType(payer.payer_type),
        notification=_limit(
            payer.notification_amount, payer.notification_unit, payer.notification_citation
        ),
        review_every=_limit(
            payer.review_every_amount, payer.review_every_unit, payer.review_every_citation
        ),
        decision=_limit(payer.decision_amount, payer.decision_unit, payer.decision_citation),
        expedited_decision=_limit(
            payer.expedited_decision_amount,
            payer.expedited_decision_unit,
            payer.expedited_decision_citation,
        ),
        levels=tuple(_level(row) for row in sorted(payer.levels.all(), key=lambda r: r.level)),
        peer_to_peer=(
            _limit(payer.peer_to_peer_amount, payer.peer_to_peer_unit, payer.peer_to_peer_citation)
            if payer.peer_to_peer_amount
            else None
        ),
    )


def authorization_list(*, stay_id: int) -> QuerySet[StayAuthorization]:
    return (
        StayAuthorization.objects.filter(stay_id=stay_id)
        .select_related("payer")
        .order_by("-created_at", "-pk")
    )


def authorization_of_stay(*, stay_id: int, authorization_id: int) -> StayAuthorization | None:
    return (
        StayAuthorization.objects.filter(stay_id=stay_id, pk=authorization_id)
        .select_related("payer")
        .first()
    )


def denial_list_of_stay(*, stay_id: int) -> QuerySet[StayDenial]:
    return (
        StayDenial.objects.filter(stay_id=stay_id)
        .select_related("payer")
        .prefetch_related("appeals")
        .order_by("-received_date", "-pk")
    )


def denial_of_stay(*, stay_id: int, denial_id: int) -> StayDenial | None:
    return (
        StayDenial.objects.filter(stay_id=stay_id, pk=denial_id)
        .select_related("payer", "stay")
        .prefetch_related("payer__levels")
        .first()
    )


def appeal_of_stay(*, stay_id: int, appeal_id: int) -> StayAppeal | None:
    return (
        StayAppeal.objects.filter(denial__stay_id=stay_id, pk=appeal_id)
        .select_related("denial", "denial__payer")
        .prefetch_related("denial__payer__levels")
        .first()
    )


def appeals_of_denial(*, denial_id: int) -> QuerySet[StayAppeal]:
    return StayAppeal.objects.filter(denial_id=denial_id).order_by("level")


def stay_of_authorization(*, authorization_id: int) -> int | None:
    """The stay an authorization belongs to (the clock's page sends the user there)."""
    return (
        StayAuthorization.objects.filter(pk=authorization_id)
        .values_list("stay_id", flat=True)
        .first()
    )


def peer_to_peer_list(*, stay_id: int) -> QuerySet[StayPeerToPeer]:
    """A stay's peer-to-peer requests, newest first, with who requested them."""
    return (
        StayPeerToPeer.objects.filter(stay_id=stay_id)
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")
    )


def peer_to_peer_of_stay(*, stay_id: int, peer_to_peer_id: int) -> StayPeerToPeer | None:
    return (
        StayPeerToPeer.objects.filter(stay_id=stay_id, pk=peer_to_peer_id)
        .select_related("authorization", "authorization__payer", "denial", "denial__payer")
        .prefetch_related("denial__payer__levels", "authorization__payer__levels")
        .first()
    )


def authorization_on_stay(*, stay: Stay, authorization_id: int) -> StayAuthorization | None:
    """An authorization of the (guarded) `stay`, holding that stay; None when not its."""
    authorization = authorization_of_stay(stay_id=stay.pk, authorization_id=authorization_id)
    if authorization is not None:
        authorization.stay = stay
    return authorization


def denial_on_stay(*, stay: Stay, denial_id: int) -> StayDenial | None:
    """A denial of the (guarded) `stay`, holding that stay; None when not its."""
    denial = denial_of_stay(stay_id=stay.pk, denial_id=denial_id)
    if denial is not None:
        denial.stay = stay
    return denial


def appeal_on_stay(*, stay: Stay, appeal_id: int) -> StayAppeal | None:
    """An appeal of a denial of the (guarded) `stay`, its denial holding that stay."""
    appeal = appeal_of_stay(stay_id=stay.pk, appeal_id=appeal_id)
    if appeal is not None:
        appeal.denial.stay = stay
    return appeal


def peer_to_peer_on_stay(*, stay: Stay, peer_to_peer_id: int) -> StayPeerToPeer | None:
    """A peer-to-peer of the (guarded) `stay`, holding that stay; None when not its."""
    peer = peer_to_peer_of_stay(stay_id=stay.pk, peer_to_peer_id=peer_to_peer_id)
    if peer is not None:
        peer.stay = stay
    return peer


def stay_of_peer_to_peer(*, peer_to_peer_id: int) -> int | None:
    return (
        StayPeerToPeer.objects.filter(pk=peer_to_peer_id).values_list("stay_id", flat=True).first()
    )


def stay_of_denial(*, denial_id: int) -> int | None:
    return StayDenial.objects.filter(pk=denial_id).values_list("stay_id", flat=True).first()


def denial_list(
    *, reach: Q, payer_id: int | None = None, state: str = "", kind: str = ""
) -> QuerySet[StayDenial]:
    """Denials of the stays the caller reaches (`reach`: the stays' relationship
    filter), newest received first, with their stay, consumer and payer in the same query."""
    qs = StayDenial.objects.filter(stay__in=Stay.objects.filter(reach).values("pk"))
    if payer_id:
        qs = qs.filter(payer_id=payer_id)
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("stay", "stay__consumer", "payer").order_by("-received_date", "-pk")


def payer_clocks(
    *,
    authorization_ids: list[int],
    denial_ids: list[int],
    peer_to_peer_ids: Sequence[int] = (),
) -> list[Deadline]:
    """The clocks of these authorizations, denials and peer-to-peers, soonest first (one
    query)."""
    return list(
        Deadline.objects.filter(
            Q(subject_type=AUTHORIZATION, subject_id__in=authorization_ids)
            | Q(subject_type=DENIAL, subject_id__in=denial_ids)
            | Q(subject_type=PEER_TO_PEER, subject_id__in=list(peer_to_peer_ids))
        ).order_by("due_at", "pk")
    )


def packet_reviews(*, stay_id: int) -> QuerySet[StayReview]:
    """The stay's reviews for the appeal packet, oldest first, with their reviewer."""
    return (
        StayReview.objects.filter(stay_id=stay_id)
        .select_related("reviewer")
        .order_by("reviewed_at", "pk")
    )


# --- the denial report (UM director) -------------------------------------------------------

REPORT_FIELD = {
    rules.DenialReportDimension.KIND: "kind",
    rules.DenialReportDimension.CATEGORY: "reason_category",
    rules.DenialReportDimension.UNIT: "unit__code",
    rules.DenialReportDimension.PHYSICIAN: "attending",
    rules.DenialReportDimension.PAYER: "payer__name",
}


@dataclass(frozen=True)
class DenialReportRow(rules.DenialTotals):
    key: str = ""
    label: str = ""


def _row(key: str, label: str, totals: rules.DenialTotals) -> DenialReportRow:
    return DenialReportRow(key=key, label=label, **asdict(totals))


def _recovered(
    model: type, denial_ids: list[int], **filters: object
) -> dict[int, tuple[int, Decimal]]:
    rows = (
        model._default_manager.filter(denial_id__in=denial_ids, **filters)  # type: ignore[attr-defined]
        .values("denial_id")
        .annotate(days=Sum("overturned_days"), amount=Sum("overturned_amount"))
    )
    return {r["denial_id"]: (r["days"] or 0, r["amount"] or Decimal("0.00")) for r in rows}


def _denial_label(by: rules.DenialReportDimension, key: str) -> str:
    if by == rules.DenialReportDimension.KIND:
        return str(DENIAL_KIND_LABELS.get(rules.DenialKind(key), key)) if key else "—"
    if by == rules.DenialReportDimension.CATEGORY:
        taxonomy = rules.denial_taxonomy(settings.CASEWORK_STAYS_DENIAL_TAXONOMY)
        return taxonomy.title(key) or key or "—"
    return key or "—"


def denial_report(
    *,
    program_id: int,
    by: rules.DenialReportDimension,
    start: date | None,
    end: date | None,
) -> list[DenialReportRow]:
    """Denials of the program's stays received within [start, end], grouped by kind,
    reason category, unit or attending (as recorded with each denial), or payer — the
    most denials first — or by the week received, oldest first: what they denied (days
    and money), how many were appealed and won, and what appeals and peer-to-peers
    recovered. Three queries whatever the rows; no consumer is named."""
    qs = StayDenial.objects.filter(stay__program_id=program_id)
    if start is not None:
        qs = qs.filter(received_date__gte=start)
    if end is not None:
        qs = qs.filter(received_date__lte=end)
    field = REPORT_FIELD.get(by, "kind")
    denials = list(
        qs.annotate(appeal_count=Count("appeals")).values_list(
            "pk", field, "received_date", "denied_days", "denied_amount", "state", "appeal_count"
        )
    )
    ids = [row[0] for row in denials]
    by_appeal = _recovered(StayAppeal, ids)
    by_peer = _recovered(StayPeerToPeer, ids)
    figures: list[tuple[str, date, rules.DenialTotals]] = []
    for pk, key, received, days, amount, state, appeals in denials:
        appeal_days, appeal_amount = by_appeal.get(pk, (0, Decimal("0.00")))
        peer_days, peer_amount = by_peer.get(pk, (0, Decimal("0.00")))
        figures.append(
            (
                key or "",
                received,
                rules.DenialTotals(
                    denials=1,
                    days=days or 0,
                    amount=amount or Decimal("0.00"),
                    appealed=1 if appeals else 0,
                    overturned=1 if state == rules.DenialState.OVERTURNED else 0,
                    days_recovered=appeal_days + peer_days,
                    amount_recovered=appeal_amount + peer_amount,
                ),
            )
        )
    if by == rules.DenialReportDimension.WEEK:
        return [
            _row(week.isoformat(), week.isoformat(), totals)
            for week, totals in weekly_totals((received, t) for _key, received, t in figures)
        ]
    grouped = totals_by((key, t) for key, _received, t in figures)
    return [
        _row(key, _denial_label(by, key), totals)
        for key, totals in sorted(
            grouped.items(), key=lambda kv: (-kv[1].denials, -kv[1].amount, kv[0])
        )
    ]


def denial_report_total(rows: list[DenialReportRow]) -> DenialReportRow:
    """The figures of all the rows."""
    total = rules.DenialTotals()
    for row in rows:
        total = total + row
    return _row("", "", total)
