"""Referrals from population screening, created once per member and window."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from casework.cases import rules
from casework.cases.models import (
    Case,
    Referral,
)
from casework.cases.services.intake import referral_intake
from casework.consumers.models import Consumer
from casework.consumers.services import ConsumerFields
from casework.core import clock
from casework.core.actor import Actor


@dataclass(frozen=True)
class ScreenedMember:
    """One member selected by a population-screening run (B2), as the hand-off gives it."""

    key: str
    member_id: str
    given_name: str
    family_name: str
    birth_date: str
    sex: str
    language: str
    tier: str
    reasons: list[dict[str, Any]]
    criteria_id: str
    criteria_version: str
    window_start: str
    window_end: str


@dataclass(frozen=True)
class ImportResult:
    created: int
    already_present: int
    skipped_open_case: int


SEXES = {"female", "male", "other", "unknown"}


def referrals_import_from_screening(*, actor: Actor, members: list[ScreenedMember]) -> ImportResult:
    """Turn selected members into referrals in the supervisor's team queue, exactly once
    per member and screening window (the idempotency key), however often it runs.

    A member matches an existing consumer of the program by member id; otherwise a
    consumer is created. A member whose consumer already has an open case is skipped.
    Who: supervisors (case.intake for their team). Audits one create per new case."""
    from datetime import date as date_type

    created = present = skipped = 0
    for member in members:
        if Referral.objects.filter(external_key=member.key).exists():
            present += 1
            continue
        consumer = Consumer.objects.filter(
            program=actor.user.program, member_id=member.member_id
        ).first()
        reason = _("Population screening %(criteria)s v%(version)s: tier %(tier)s") % {
            "criteria": member.criteria_id,
            "version": member.criteria_version,
            "tier": member.tier,
        }
        detail = {
            "tier": member.tier,
            "reasons": member.reasons,
            "criteria_id": member.criteria_id,
            "criteria_version": member.criteria_version,
            "window": [member.window_start, member.window_end],
        }
        common: dict[str, Any] = {
            "actor": actor,
            "source": "population_screening",
            "reason": reason,
            "received_at": clock.now(),
            "referrer_organization": "Population screening",
            "external_key": member.key,
            "detail": detail,
        }
        if consumer is not None:
            if Case.objects.filter(consumer=consumer, state__in=rules.OPEN_STATES).exists():
                skipped += 1
                continue
            referral_intake(consumer=consumer, **common)
        else:
            fields: ConsumerFields = {
                "member_id": member.member_id,
                "given_name": member.given_name or "Unknown",
                "family_name": member.family_name or "Unknown",
                "birth_date": date_type.fromisoformat(member.birth_date),
                "sex": member.sex if member.sex in SEXES else "unknown",
                "preferred_language": member.language or "en",
            }
            referral_intake(new_consumer=fields, **common)
        created += 1
    return ImportResult(created=created, already_present=present, skipped_open_case=skipped)
