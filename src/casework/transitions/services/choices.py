"""Post-acute choice (G2): the provider directory import, the choice list presented,
the consumer's choices and the final placement."""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from casework.core import clock
from casework.core.actor import Actor
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, Program
from casework.stays.models import Stay
from casework.stays.rules import StayState
from casework.transitions import rules
from casework.transitions.models import (
    ChoiceList,
    Placement,
    PostAcuteProvider,
    ProviderArea,
    ProviderChoice,
)
from casework.transitions.rules import PostAcuteNeed
from casework.transitions.services._common import _audit

# --- the post-acute provider directory ----------------------------------------------------


@dataclass
class ProviderImport:
    created: int = 0
    updated: int = 0
    rejects: list[rules.ProviderReject] = field(default_factory=list)


@transaction.atomic
def providers_import(*, program: Program, text: str) -> ProviderImport:
    """Load the program's copy of public provider data (CSV, `rules.PROVIDER_COLUMNS`):
    new CCNs are added, known ones replaced; the rejects say line, field and reason. An
    import with a rejected file header writes nothing. Holds no consumer data: not audited
    (the management command is run by an operator)."""
    rows, rejects = rules.provider_csv_parse(text)
    report = ProviderImport(rejects=rejects)
    if rejects and not rows:
        return report
    now = clock.now()
    for row in rows:
        values = {
            "name": row.name,
            "provider_type": row.provider_type.value,
            "address": row.address,
            "city": row.city,
            "state": row.state,
            "postal_code": row.postal_code,
            "phone": row.phone,
            "service_area": list(row.service_area),
            "medicare": row.medicare,
            "star_rating": row.star_rating,
            "quality_measures": row.quality_measures,
            "financial_interest": row.financial_interest,
            "imported_at": now,
        }
        provider, created = PostAcuteProvider.objects.update_or_create(
            program=program, ccn=row.ccn, defaults=values
        )
        if created:
            report.created += 1
        else:
            report.updated += 1
            ProviderArea.objects.filter(provider=provider).delete()
        ProviderArea.objects.bulk_create(
            [ProviderArea(provider=provider, postal_code=code) for code in row.service_area]
        )
    return report


def _entry(provider: PostAcuteProvider) -> dict[str, Any]:
    return {
        "provider_id": provider.pk,
        "ccn": provider.ccn,
        "name": provider.name,
        "address": provider.address,
        "city": provider.city,
        "phone": provider.phone,
        "medicare": provider.medicare,
        "star_rating": provider.star_rating,
        "quality_measures": provider.quality_measures,
        "financial_interest": provider.financial_interest,
    }


@transaction.atomic
def choice_list_create(
    *,
    actor: Actor,
    stay: Stay,
    provider_type: PostAcuteNeed,
    postal_code: str,
    providers: list[PostAcuteProvider],
    language: str = "en",
) -> ChoiceList:
    """Record the choice list presented to the consumer: the participating providers of
    `provider_type` serving `postal_code` (found by `selectors.choice_list_providers`),
    with their quality data and any financial interest, as shown. Refused when none
    serves the area. Audits one create."""
    if stay.state == StayState.CANCELLED:
        raise RuleViolation(_("the stay was cancelled"))
    if not providers:
        raise ValidationFailed.single(
            "postal_code", _("no participating provider of this type serves this ZIP code")
        )
    choice_list = ChoiceList.objects.create(
        stay=stay,
        provider_type=provider_type.value,
        postal_code=postal_code,
        entries=[_entry(provider) for provider in providers],
        language=language,
        presented_by=actor.user,
        presented_at=clock.now(),
    )
    _audit(
        actor,
        AuditAction.CREATE,
        stay.consumer_id,
        "choice_list",
        choice_list.pk,
        providers=len(providers),
    )
    return choice_list


@transaction.atomic
def choices_record(
    *, actor: Actor, choice_list: ChoiceList, provider_ids: list[int]
) -> list[ProviderChoice]:
    """Record the consumer's choices from the list, first preference first (replacing
    choices recorded before). Each must be on the list, once. Audits one update."""
    offered = {entry["provider_id"] for entry in choice_list.entries}
    if not provider_ids:
        raise ValidationFailed.single("provider_ids", _("choose at least one provider"))
    if len(set(provider_ids)) != len(provider_ids):
        raise ValidationFailed.single("provider_ids", _("each provider once"))
    missing = [pid for pid in provider_ids if pid not in offered]
    if missing:
        raise ValidationFailed.single("provider_ids", _("not on the list presented"))
    ProviderChoice.objects.filter(choice_list=choice_list).delete()
    now = clock.now()
    choices = ProviderChoice.objects.bulk_create(
        [
            ProviderChoice(
                choice_list=choice_list,
                provider_id=pid,
                rank=rank,
                recorded_by=actor.user,
                recorded_at=now,
            )
            for rank, pid in enumerate(provider_ids, start=1)
        ]
    )
    _audit(
        actor,
        AuditAction.UPDATE,
        choice_list.stay.consumer_id,
        "choice_list",
        choice_list.pk,
        choices=len(choices),
    )
    return choices


@transaction.atomic
def placement_record(
    *, actor: Actor, stay: Stay, provider: PostAcuteProvider, reason: str = ""
) -> Placement:
    """Record the final placement. A provider the consumer did not choose needs the
    reason. One placement per stay (recording again replaces it). Audits one create or
    update."""
    if stay.state == StayState.CANCELLED:
        raise RuleViolation(_("the stay was cancelled"))
    if provider.program_id != stay.program_id:
        raise ValidationFailed.single("provider_id", _("no such provider in your program"))
    chosen = ProviderChoice.objects.filter(choice_list__stay=stay, provider=provider).exists()
    if not chosen and not reason.strip():
        raise ValidationFailed.single(
            "reason", _("a provider the consumer did not choose needs the reason")
        )
    placement, created = Placement.objects.update_or_create(
        stay=stay,
        defaults={
            "provider": provider,
            "from_choice": chosen,
            "reason": reason.strip(),
            "recorded_by": actor.user,
            "recorded_at": clock.now(),
        },
    )
    _audit(
        actor,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        stay.consumer_id,
        "placement",
        placement.pk,
        from_choice=chosen,
    )
    return placement
