"""Writes for transitions of care (G1-G4, F4, F7). Each service runs in one transaction
and writes one audit event naming the consumer.

Who may: the web layer's guarded load of the stay (`access_stay` with case.manage) or of
the consumer (`access_consumer`, `access_referral`); the receiving system confirms a
handoff by updating its FHIR Task through the API with an interface account's token
(`handoff_task_update`). `stay_changed` is the stays listener (registered in `apps.py`):
it is part of the stay change that called it and writes no audit event of its own (the
stay's one event covers the change; the clocks and the readmission link are derived
from it).
"""

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.consumers.models import Consumer
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.deadlines import deadline_set, deadlines_finish, program_calendar
from casework.core.errors import RuleViolation, StaleVersion, ValidationFailed
from casework.core.models import AuditAction, Deadline, DeadlineState, Program
from casework.core.tokens import token_hash
from casework.resources.models import Service
from casework.staff.selectors import clinical_directors_for
from casework.stays.models import Stay
from casework.stays.rules import StayClass, StayState
from casework.transitions import risk, rules, selectors
from casework.transitions.deadlines import (
    BARRIER_SUBJECT,
    DISCHARGE_KINDS,
    REFERRAL_SUBJECT,
    STAY_SUBJECT,
)
from casework.transitions.models import (
    ChoiceList,
    CommunityReferral,
    EducationRecord,
    FollowUpAttempt,
    Handoff,
    Placement,
    PostAcuteProvider,
    ProviderArea,
    ProviderChoice,
    Readmission,
    ReceiverCredential,
    ReferralStatusChange,
    SequencingBarrier,
    SequencingEscalation,
    SequencingLevel,
    TransitionPlan,
    TransitionPlanVersion,
)
from casework.transitions.rules import (
    AttemptOutcome,
    BarrierReason,
    BarrierState,
    ContactChannel,
    Destination,
    EducationAudience,
    EducationMethod,
    PostAcuteNeed,
    ReceiptMethod,
    ReferralStatus,
    RootCause,
    SequencedItem,
    TeachBack,
    TransitionDeadline,
)

EVENT_SLACK = timedelta(minutes=5)


def _audit(
    actor: Actor | None,
    action: str,
    consumer_id: int,
    object_type: str,
    object_id: object,
    *,
    username: str = "",
    **detail: Any,
) -> None:
    audit_record(
        actor=actor,
        username=username,
        action=action,
        consumer_id=consumer_id,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


def _owner_id(stay: Stay) -> int | None:
    """Who works the stay's transition clocks: the case manager of its case, else the
    stay's reviewer."""
    if stay.case_id is not None and stay.case is not None and stay.case.assigned_to_id:
        return stay.case.assigned_to_id
    return stay.reviewer_id


# --- the stays listener: clocks and readmissions ------------------------------------------


def _open_kinds(stay: Stay) -> dict[str, Deadline]:
    return {
        row.kind: row
        for row in Deadline.objects.filter(
            subject_type=STAY_SUBJECT, subject_id=stay.pk, kind__in=list(DISCHARGE_KINDS)
        )
    }


def transition_clocks_sync(*, stay: Stay) -> dict[str, datetime]:
    """Set the clocks the stay's discharge starts (follow-up, TCM contact when the program
    bills TCM, handoff receipt when a handoff is unconfirmed); waive them when the stay is
    not discharged (a cancelled discharge takes its clocks with it). A met clock stays met."""
    current = _open_kinds(stay)
    due: dict[str, datetime] = {}
    if stay.state == StayState.DISCHARGED and stay.discharged_at is not None:
        handoff = Handoff.objects.filter(stay=stay).first()
        pending = handoff if handoff is not None and handoff.received_at is None else None
        found = rules.discharge_clocks(
            discharged_at=stay.discharged_at,
            calendar=program_calendar(program_id=stay.program_id),
            follow_up_hours=settings.CASEWORK_FOLLOW_UP_HOURS,
            follow_up_business_days=settings.CASEWORK_FOLLOW_UP_BUSINESS_DAYS,
            tcm=settings.CASEWORK_TCM_BILLED,
            handoff_sent_at=pending.sent_at if pending else None,
            handoff_receipt_hours=settings.CASEWORK_HANDOFF_RECEIPT_HOURS,
        )
        due[TransitionDeadline.FOLLOW_UP] = found.follow_up_at
        if found.tcm_contact_at is not None:
            due[TransitionDeadline.TCM_CONTACT] = found.tcm_contact_at
        if found.handoff_receipt_at is not None:
            due[TransitionDeadline.HANDOFF_RECEIPT] = found.handoff_receipt_at
    owner = _owner_id(stay)
    for kind, at in due.items():
        row = current.get(kind)
        if row is not None and row.state == DeadlineState.MET:
            continue
        if row is not None and row.state == DeadlineState.OPEN and row.due_at == at:
            continue
        deadline_set(
            kind=kind,
            subject_type=STAY_SUBJECT,
            subject_id=stay.pk,
            due_at=at,
            owner_id=owner,
            consumer_id=stay.consumer_id,
        )
    stale = [
        row.pk
        for kind, row in current.items()
        if kind not in due and row.state in (DeadlineState.OPEN, DeadlineState.BREACHED)
    ]
    if stale:
        Deadline.objects.filter(pk__in=stale).update(state=DeadlineState.WAIVED)
    return due


def readmission_sync(*, stay: Stay) -> Readmission | None:
    """Link an inpatient stay to the consumer's inpatient discharge within 30 days before
    its admission (any facility of the program the feed reports); unlink a stay that was
    cancelled or is no longer inpatient. A reviewed link is kept as reviewed."""
    link = Readmission.objects.filter(stay=stay).first()
    applies = stay.stay_class == StayClass.INPATIENT and stay.state != StayState.CANCELLED
    if not applies:
        if link is not None:
            link.delete()
        return None
    if link is not None:
        return link
    window = stay.admitted_at - timedelta(days=rules.READMISSION_DAYS)
    earlier = Stay.objects.filter(
        consumer_id=stay.consumer_id,
        stay_class=StayClass.INPATIENT,
        state=StayState.DISCHARGED,
        discharged_at__gte=window,
        discharged_at__lte=stay.admitted_at,
    ).exclude(pk=stay.pk)
    index_id = rules.readmission_of(
        stay.admitted_at,
        [(pk, at) for pk, at in earlier.values_list("pk", "discharged_at") if at is not None],
    )
    if index_id is None:
        return None
    index = Stay.objects.get(pk=index_id)
    assert index.discharged_at is not None
    return Readmission.objects.create(
        index_stay=index,
        stay=stay,
        consumer_id=stay.consumer_id,
        days_after=(stay.admitted_at - index.discharged_at).days,
        detected_at=clock.now(),
    )


def stay_changed(stay: Stay) -> None:
    """The stays listener: after every change of a stay, its transition clocks and its
    readmission link follow the stay's facts."""
    transition_clocks_sync(stay=stay)
    readmission_sync(stay=stay)


# --- the transition plan ------------------------------------------------------------------


@dataclass(frozen=True)
class PlanFacts:
    destination: Destination
    anticipated_discharge_date: date | None = None
    needs: tuple[PostAcuteNeed, ...] = ()
    barriers: str = ""
    readmission_risk: str = ""
    risk: "RiskEntries | None" = None


@dataclass(frozen=True)
class RiskEntries:
    """What the case manager enters for the readmission scores; `None` is not known."""

    comorbidity_codes: tuple[str, ...] = ()
    acute: bool | None = None
    haemoglobin: Decimal | None = None
    sodium: Decimal | None = None
    oncology: bool | None = None
    procedure: bool | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "comorbidity_codes": list(self.comorbidity_codes),
            "acute": self.acute,
            "haemoglobin": None if self.haemoglobin is None else str(self.haemoglobin),
            "sodium": None if self.sodium is None else str(self.sodium),
            "oncology": self.oncology,
            "procedure": self.procedure,
        }


ICD10CM_CODE = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")


def _risk_check(entries: RiskEntries) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    bad = [code for code in entries.comorbidity_codes if not ICD10CM_CODE.match(code)]
    if bad:
        errors["comorbidity_codes"] = [
            _("not ICD-10-CM codes: %(codes)s") % {"codes": ", ".join(bad)}
        ]
    if len(entries.comorbidity_codes) > 100:
        errors["comorbidity_codes"] = [_("at most 100 codes")]
    if entries.haemoglobin is not None and not 1 <= entries.haemoglobin <= 25:
        errors["haemoglobin"] = [_("between 1 and 25 g/dL")]
    if entries.sodium is not None and not 90 <= entries.sodium <= 200:
        errors["sodium"] = [_("between 90 and 200 mmol/L")]
    return errors


def plan_risk(*, stay: Stay, entries: RiskEntries, anticipated: date | None) -> dict[str, Any]:
    """LACE and HOSPITAL of the stay (`transitions.risk`): the stay's dates and the
    consumer's other stays, with what the case manager entered; the admitting diagnosis
    counts as a comorbidity code when it is one."""
    found = selectors.stay_risk_facts(stay=stay)
    tz = timezone.get_current_timezone()
    if stay.discharged_at is not None:
        discharge, discharge_source = stay.discharged_at.astimezone(tz).date(), "discharge"
    elif anticipated is not None:
        discharge, discharge_source = anticipated, "anticipated"
    else:
        discharge, discharge_source = clock.now().astimezone(tz).date(), "today"
    codes = list(entries.comorbidity_codes)
    admitting = stay.admitting_diagnosis.strip().upper()
    if ICD10CM_CODE.match(admitting) and admitting not in codes:
        codes.append(admitting)
    acute: bool | None
    if entries.acute is not None:
        acute, acute_source = entries.acute, "entered on the plan"
    else:
        acute, acute_source = found.acute, found.acute_source or "not known"
    return risk.readmission_risk(
        risk.RiskInputs(
            admitted=stay.admitted_at.astimezone(tz).date(),
            discharge=discharge,
            discharge_source=discharge_source,
            acute=acute,
            acute_source=acute_source,
            comorbidity_codes=tuple(codes),
            ed_visits=found.ed_visits,
            prior_admissions=found.prior_admissions,
            haemoglobin=entries.haemoglobin,
            sodium=entries.sodium,
            oncology=entries.oncology,
            procedure=entries.procedure,
        )
    )


def _plan_facts_json(facts: PlanFacts) -> dict[str, Any]:
    return {
        "destination": facts.destination.value,
        "anticipated_discharge_date": (
            facts.anticipated_discharge_date.isoformat()
            if facts.anticipated_discharge_date
            else None
        ),
        "needs": [need.value for need in facts.needs],
        "barriers": facts.barriers,
        "readmission_risk": facts.readmission_risk,
        "risk_inputs": (facts.risk or RiskEntries()).as_json(),
    }


@transaction.atomic
def transition_plan_save(
    *, actor: Actor, stay: Stay, facts: PlanFacts, version: int | None = None
) -> TransitionPlan:
    """Write a new version of the stay's transition plan (the first when there is none;
    `version` is the one the caller read, StaleVersion otherwise). Refused for a
    cancelled stay or an anticipated date before the admission. Audits one create or
    update."""
    if stay.state == StayState.CANCELLED:
        raise RuleViolation(_("the stay was cancelled"))
    day = facts.anticipated_discharge_date
    if day is not None and day < stay.admitted_at.date():
        raise ValidationFailed.single(
            "anticipated_discharge_date", _("may not be before the admission")
        )
    if len(set(facts.needs)) != len(facts.needs):
        raise ValidationFailed.single("needs", _("each need once"))
    entries = facts.risk or RiskEntries()
    errors = _risk_check(entries)
    if errors:
        raise ValidationFailed(errors)
    scored = plan_risk(stay=stay, entries=entries, anticipated=day)
    now = clock.now()
    plan = TransitionPlan.objects.select_for_update().filter(stay=stay).first()
    changes = {
        "destination": facts.destination.value,
        "anticipated_discharge_date": day,
        "needs": [need.value for need in facts.needs],
        "barriers": facts.barriers.strip(),
        "readmission_risk": facts.readmission_risk.strip(),
        "risk_inputs": entries.as_json(),
        "risk": scored,
        "updated_by": actor.user,
        "updated_at": now,
    }
    if plan is None:
        if version not in (None, 0):
            raise StaleVersion(0)
        plan = TransitionPlan.objects.create(
            program_id=stay.program_id, consumer_id=stay.consumer_id, stay=stay, **changes
        )
        action = AuditAction.CREATE
    else:
        if version is not None and version != plan.version:
            raise StaleVersion(plan.version)
        for name, value in changes.items():
            setattr(plan, name, value)
        plan.version += 1
        plan.save()
        action = AuditAction.UPDATE
    TransitionPlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        facts=_plan_facts_json(facts) | {"risk": scored},
        author=actor.user,
        saved_at=now,
    )
    _audit(actor, action, stay.consumer_id, "transition_plan", plan.pk, version=plan.version)
    return plan


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


# --- the handoff --------------------------------------------------------------------------


@transaction.atomic
def handoff_send(
    *,
    actor: Actor,
    stay: Stay,
    receiver_name: str,
    contents: dict[str, object],
    receiver_provider: PostAcuteProvider | None = None,
) -> Handoff:
    """Send the handoff (one per stay): its contents checked section by section
    (`rules.handoff_contents_check`); its FHIR Task starts `requested`. A discharged stay's receipt
    clock starts now. Audits one create."""
    if stay.state == StayState.CANCELLED:
        raise RuleViolation(_("the stay was cancelled"))
    errors = rules.handoff_contents_check(contents)
    if not receiver_name.strip():
        errors["receiver_name"] = [_("required")]
    if errors:
        raise ValidationFailed(errors)
    if Handoff.objects.filter(stay=stay).exists():
        raise RuleViolation(_("the handoff of this stay was already sent"))
    handoff = Handoff.objects.create(
        stay=stay,
        receiver_name=receiver_name.strip()[:200],
        receiver_provider=receiver_provider,
        contents=rules.handoff_contents_clean(contents),
        sent_by=actor.user,
        sent_at=clock.now(),
    )
    transition_clocks_sync(stay=stay)
    _audit(actor, AuditAction.CREATE, stay.consumer_id, "handoff", handoff.pk)
    return handoff


def _receipt(handoff: Handoff, *, method: ReceiptMethod, by: str) -> None:
    now = clock.now()
    Handoff.objects.filter(pk=handoff.pk).update(
        received_at=now, receipt_method=method.value, received_by=by[:200], task_status="completed"
    )
    handoff.received_at, handoff.receipt_method = now, method.value
    handoff.received_by, handoff.task_status = by[:200], "completed"
    Deadline.objects.filter(
        subject_type=STAY_SUBJECT,
        subject_id=handoff.stay_id,
        kind=TransitionDeadline.HANDOFF_RECEIPT,
        state__in=[DeadlineState.OPEN, DeadlineState.BREACHED],
    ).update(state=DeadlineState.MET)


@transaction.atomic
def handoff_confirm(*, actor: Actor, handoff: Handoff, confirmed_by: str) -> Handoff:
    """A person confirms the receiving provider has the handoff (`confirmed_by` names who
    at the receiver said so). Refused when receipt is already confirmed. Meets the receipt
    clock. Audits one update."""
    if handoff.received_at is not None:
        raise RuleViolation(_("receipt is already confirmed"))
    if not confirmed_by.strip():
        raise ValidationFailed.single("confirmed_by", _("required"))
    _receipt(handoff, method=ReceiptMethod.PERSON, by=confirmed_by.strip())
    _audit(
        actor,
        AuditAction.UPDATE,
        handoff.stay.consumer_id,
        "handoff",
        handoff.pk,
        receipt=ReceiptMethod.PERSON.value,
    )
    return handoff


TASK_RECEIPT_STATUSES = frozenset({"received", "accepted", "in-progress", "completed"})
TASK_STATUSES = TASK_RECEIPT_STATUSES | {"rejected"}


@transaction.atomic
def handoff_task_update(
    *,
    actor: Actor | None,
    handoff: Handoff,
    status: str,
    receiver: ReceiverCredential | None = None,
) -> Handoff:
    """The receiving system updates the handoff's FHIR Task (with the receiver's own
    credential, `receiver`, or an interface account's API token, `actor`): received,
    accepted, in-progress or completed confirm receipt (and meet its clock); rejected
    records the refusal and leaves the clock running. Audits one update."""
    if status not in TASK_STATUSES:
        raise ValidationFailed.single(
            "status", _("one of %(s)s") % {"s": ", ".join(sorted(TASK_STATUSES))}
        )
    if handoff.received_at is not None:
        raise RuleViolation(_("receipt is already confirmed"))
    by = receiver.audit_name if receiver is not None else actor.user.username if actor else ""
    if status in TASK_RECEIPT_STATUSES:
        _receipt(handoff, method=ReceiptMethod.TASK, by=by)
    handoff.task_status = status
    Handoff.objects.filter(pk=handoff.pk).update(task_status=status)
    _audit(
        actor,
        AuditAction.UPDATE,
        handoff.stay.consumer_id,
        "handoff",
        handoff.pk,
        username=by if actor is None else "",
        task_status=status,
    )
    return handoff


def handoff_printed(*, actor: Actor, handoff: Handoff, language: str) -> None:
    """Audit one download of the handoff PDF (in `language`)."""
    _audit(
        actor,
        AuditAction.PRINT,
        handoff.stay.consumer_id,
        "handoff",
        handoff.pk,
        document="handoff_pdf",
        language=language,
    )


# --- the receiving organisation's credential ----------------------------------------------

RECEIVER_TOKEN_PREFIX = "cwr_"  # noqa: S105 (a marker, not a secret)
RECEIVER_RAW_LENGTH = len(RECEIVER_TOKEN_PREFIX) + 43


def receiver_credential_issue(
    *, provider: PostAcuteProvider, name: str, issued_by: str = ""
) -> tuple[ReceiverCredential, str]:
    """A credential for the receiving system of `provider` (its handoffs only); returns
    the row and the raw token (shown once). Audits one privilege event (no token)."""
    name = name.strip()
    if not name:
        raise ValidationFailed.single("name", _("name the receiving system"))
    if len(name) > 100:
        raise ValidationFailed.single("name", _("at most 100 characters"))
    raw = RECEIVER_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        credential = ReceiverCredential.objects.create(
            program_id=provider.program_id,
            provider=provider,
            name=name,
            prefix=raw[:12],
            key_hash=token_hash(raw),
            issued_by=issued_by[:150],
            created_at=clock.now(),
        )
        audit_record(
            actor=None,
            username=issued_by,
            action=AuditAction.PRIVILEGE,
            object_type="receiver_credential",
            object_id=credential.pk,
            detail={"event": "receiver_credential_issued", "provider_id": provider.pk},
        )
    return credential, raw


def receiver_credential_revoke(*, credential_id: int, revoked_by: str = "") -> ReceiverCredential:
    """Revoke a receiver credential (refused from the next request). Audits one event."""
    with transaction.atomic():
        credential = ReceiverCredential.objects.select_for_update().filter(pk=credential_id).first()
        if credential is None:
            raise ValidationFailed.single("credential", _("no such credential"))
        if credential.revoked_at is not None:
            raise RuleViolation(_("the credential is already revoked"))
        credential.revoked_at = clock.now()
        credential.save(update_fields=["revoked_at"])
        audit_record(
            actor=None,
            username=revoked_by,
            action=AuditAction.PRIVILEGE,
            object_type="receiver_credential",
            object_id=credential.pk,
            detail={"event": "receiver_credential_revoked"},
        )
    return credential


def receiver_verify(raw: str) -> ReceiverCredential | None:
    """The live credential of a raw `cwr_` token, or None (never raises on bad input)."""
    if not raw.startswith(RECEIVER_TOKEN_PREFIX) or len(raw) != RECEIVER_RAW_LENGTH:
        return None
    credential = (
        ReceiverCredential.objects.select_related("provider")
        .filter(key_hash=token_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if credential is None:
        return None
    now = clock.now()
    if credential.last_used_at is None or now - credential.last_used_at >= timedelta(minutes=1):
        ReceiverCredential.objects.filter(pk=credential.pk).update(last_used_at=now)
    return credential


# --- follow-up ----------------------------------------------------------------------------


@transaction.atomic
def follow_up_attempt_record(
    *,
    actor: Actor,
    stay: Stay,
    attempted_at: datetime,
    channel: ContactChannel,
    outcome: AttemptOutcome,
    note: str = "",
) -> rules.FollowUpState:
    """Log an attempt to reach the consumer after discharge. Reaching them meets the
    follow-up clock (and TCM's, by an interactive channel in time); after the configured
    number of failed attempts the follow-up clock escalates (level 1, on its owner's and
    the supervisor's worklist). Audits one create."""
    if stay.state != StayState.DISCHARGED or stay.discharged_at is None:
        raise RuleViolation(_("follow-up starts at discharge"))
    if attempted_at < stay.discharged_at:
        raise ValidationFailed.single("attempted_at", _("may not be before the discharge"))
    if attempted_at > clock.now() + EVENT_SLACK:
        raise ValidationFailed.single("attempted_at", _("may not be in the future"))
    attempt = FollowUpAttempt.objects.create(
        stay=stay,
        attempted_at=attempted_at,
        channel=channel.value,
        outcome=outcome.value,
        note=note.strip(),
        recorded_by=actor.user,
        recorded_at=clock.now(),
    )
    rows = {
        row.kind: row
        for row in Deadline.objects.filter(
            subject_type=STAY_SUBJECT,
            subject_id=stay.pk,
            kind__in=[TransitionDeadline.FOLLOW_UP, TransitionDeadline.TCM_CONTACT],
        )
    }
    tcm = rows.get(TransitionDeadline.TCM_CONTACT)
    state = rules.follow_up_state(
        [
            rules.Attempt(
                at=a.attempted_at,
                channel=ContactChannel(a.channel),
                outcome=AttemptOutcome(a.outcome),
            )
            for a in FollowUpAttempt.objects.filter(stay=stay)
        ],
        max_failed=settings.CASEWORK_FOLLOW_UP_MAX_FAILED,
        tcm_due_at=tcm.due_at if tcm is not None else None,
    )
    live = [DeadlineState.OPEN, DeadlineState.BREACHED]
    follow_up = rows.get(TransitionDeadline.FOLLOW_UP)
    if follow_up is not None and follow_up.state in live:
        if state.reached_at is not None:
            Deadline.objects.filter(pk=follow_up.pk).update(state=DeadlineState.MET)
        elif state.escalate and follow_up.escalation_level < 1:
            Deadline.objects.filter(pk=follow_up.pk).update(escalation_level=1)
    if tcm is not None and tcm.state in live and state.tcm_met:
        Deadline.objects.filter(pk=tcm.pk).update(state=DeadlineState.MET)
    _audit(
        actor,
        AuditAction.CREATE,
        stay.consumer_id,
        "follow_up_attempt",
        attempt.pk,
        outcome=outcome.value,
        failed_attempts=state.failed_attempts,
        escalated=state.escalate,
    )
    return state


# --- readmission review -------------------------------------------------------------------


@transaction.atomic
def readmission_review(
    *,
    actor: Actor,
    readmission: Readmission,
    planned: bool,
    planned_reason: str = "",
    root_cause: RootCause | None = None,
    notes: str = "",
) -> Readmission:
    """Review a readmission: planned (with its reason), or unplanned with the root-cause
    category. Audits one update."""
    if planned and not planned_reason.strip():
        raise ValidationFailed.single("planned_reason", _("a planned readmission needs its reason"))
    if not planned and root_cause is None:
        raise ValidationFailed.single(
            "root_cause", _("an unplanned readmission needs its root cause")
        )
    readmission.planned = planned
    readmission.planned_reason = planned_reason.strip() if planned else ""
    readmission.root_cause = root_cause.value if (root_cause and not planned) else ""
    readmission.review_notes = notes.strip()
    readmission.reviewed_by = actor.user
    readmission.reviewed_at = clock.now()
    readmission.save()
    _audit(
        actor,
        AuditAction.UPDATE,
        readmission.consumer_id,
        "readmission",
        readmission.pk,
        planned=planned,
    )
    return readmission


# --- closed-loop community referrals -----------------------------------------------------


def _stalled_set(referral: CommunityReferral, since: datetime) -> None:
    deadline_set(
        kind=TransitionDeadline.REFERRAL_STALLED,
        subject_type=REFERRAL_SUBJECT,
        subject_id=referral.pk,
        due_at=rules.referral_stalled_at(since, days=settings.CASEWORK_REFERRAL_STALLED_DAYS),
        owner_id=referral.sent_by_id,
        consumer_id=referral.consumer_id,
    )


@transaction.atomic
def referral_send(
    *, actor: Actor, consumer: Consumer, service: Service, need: str, note: str = ""
) -> CommunityReferral:
    """Refer the consumer to a community service of the directory (a Gravity SDOH
    ServiceRequest with its Task, status requested). An inactive service is refused. The
    stalled-referral clock starts. Audits one create."""
    if not need.strip():
        raise ValidationFailed.single("need", _("required"))
    if service.status != "active":
        raise ValidationFailed.single("service_id", _("the service is not active"))
    if consumer.program_id is None:
        raise RuleViolation(_("the consumer has no program"))
    now = clock.now()
    referral = CommunityReferral.objects.create(
        program_id=consumer.program_id,
        consumer=consumer,
        service=service,
        need=need.strip()[:200],
        note=note.strip(),
        sent_by=actor.user,
        sent_at=now,
        updated_at=now,
    )
    ReferralStatusChange.objects.create(
        referral=referral,
        status=ReferralStatus.SENT,
        changed_by=actor.user.username,
        changed_at=now,
    )
    _stalled_set(referral, now)
    _audit(actor, AuditAction.CREATE, consumer.pk, "community_referral", referral.pk)
    return referral


@transaction.atomic
def referral_status_set(
    *, actor: Actor, referral: CommunityReferral, status: ReferralStatus, reason: str = ""
) -> CommunityReferral:
    """Move a referral along its loop: sent → accepted → completed, or rejected or
    cancelled with a reason. Accepted restarts the stalled clock; a closing status meets
    it (completed) or waives it. Audits one update."""
    try:
        rules.referral_transition_check(ReferralStatus(referral.status), status, reason)
    except rules.TransitionError as error:
        if error.field == "status":
            raise RuleViolation(str(error)) from None
        raise ValidationFailed.single(error.field, str(error)) from None
    now = clock.now()
    referral.status, referral.status_reason, referral.updated_at = status.value, reason.strip(), now
    referral.save(update_fields=["status", "status_reason", "updated_at"])
    ReferralStatusChange.objects.create(
        referral=referral,
        status=status,
        reason=reason.strip(),
        changed_by=actor.user.username,
        changed_at=now,
    )
    if status == ReferralStatus.ACCEPTED:
        _stalled_set(referral, now)
    else:
        Deadline.objects.filter(
            subject_type=REFERRAL_SUBJECT,
            subject_id=referral.pk,
            state__in=[DeadlineState.OPEN, DeadlineState.BREACHED],
        ).update(
            state=DeadlineState.MET if status == ReferralStatus.COMPLETED else DeadlineState.WAIVED
        )
    _audit(
        actor,
        AuditAction.UPDATE,
        referral.consumer_id,
        "community_referral",
        referral.pk,
        status=status.value,
    )
    return referral


# --- education ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EducationFacts:
    topic: str
    audience: EducationAudience
    method: EducationMethod
    teach_back: TeachBack
    given_at: datetime
    materials: str = ""
    materials_language: str = ""
    note: str = ""


LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


@transaction.atomic
def education_record(*, actor: Actor, stay: Stay, facts: EducationFacts) -> EducationRecord:
    """Record education given during the stay. The materials' language is the
    consumer's preferred one unless given; teach-back not done needs the reason in the
    note; not before the admission nor in the future. Audits one create."""
    errors: dict[str, list[str]] = {}
    if not facts.topic.strip():
        errors["topic"] = [_("required")]
    language = (facts.materials_language or stay.consumer.preferred_language or "en").strip()
    if not LANGUAGE_TAG.match(language):
        errors["materials_language"] = [_("a language code such as en or es")]
    if facts.given_at < stay.admitted_at - EVENT_SLACK:
        errors["given_at"] = [_("may not be before the admission")]
    elif facts.given_at > clock.now() + EVENT_SLACK:
        errors["given_at"] = [_("may not be in the future")]
    if facts.teach_back in rules.TEACH_BACK_REASON_REQUIRED and not facts.note.strip():
        errors["note"] = [_("say why teach-back was not done")]
    if errors:
        raise ValidationFailed(errors)
    record = EducationRecord.objects.create(
        stay=stay,
        consumer_id=stay.consumer_id,
        topic=facts.topic.strip()[:200],
        audience=facts.audience.value,
        method=facts.method.value,
        materials=facts.materials.strip(),
        materials_language=language,
        teach_back=facts.teach_back.value,
        note=facts.note.strip(),
        given_at=facts.given_at,
        given_by=actor.user,
        recorded_at=clock.now(),
    )
    _audit(actor, AuditAction.CREATE, stay.consumer_id, "education_record", record.pk)
    return record


# --- sequencing barriers and their escalation (seed: Sequencing) -------------------------


@transaction.atomic
def sequencing_path_set(
    *, actor: Actor, program_id: int, levels: list[rules.EscalationLevel]
) -> tuple[rules.EscalationLevel, ...]:
    """Replace the program's escalation path for sequencing barriers. Who: the program's
    designated clinical director (RuleViolation otherwise). Barriers already escalated
    keep the path they started with. Audits one update (no consumer)."""
    if not clinical_directors_for(program_id=program_id).filter(pk=actor.user.pk).exists():
        raise RuleViolation(_("only the program's clinical director edits the escalation path"))
    try:
        path = rules.escalation_path_check(levels)
    except rules.TransitionError as error:
        raise ValidationFailed.single(error.field, str(error)) from None
    now = clock.now()
    SequencingLevel.objects.filter(program_id=program_id).delete()
    SequencingLevel.objects.bulk_create(
        [
            SequencingLevel(
                program_id=program_id,
                level=level.level,
                role=level.role,
                response_hours=level.response_hours,
                updated_by=actor.user,
                updated_at=now,
            )
            for level in path
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        consumer_id=None,
        object_type="sequencing_path",
        object_id=program_id,
        detail={"levels": [level.as_json() for level in path]},
    )
    return path


@dataclass(frozen=True)
class BarrierFacts:
    item: SequencedItem
    description: str
    ordered_at: datetime
    reason: BarrierReason
    expected_at: datetime | None = None
    note: str = ""


@transaction.atomic
def sequencing_barrier_record(
    *, actor: Actor, stay: Stay, facts: BarrierFacts
) -> SequencingBarrier:
    """Record a barrier to sequencing a consult, test, procedure, therapy or placement of
    the stay (not escalated yet). Ordered not before the admission nor in the future;
    expected not before ordered. Audits one create."""
    errors: dict[str, list[str]] = {}
    if not facts.description.strip():
        errors["description"] = [_("required")]
    if facts.ordered_at < stay.admitted_at - EVENT_SLACK:
        errors["ordered_at"] = [_("may not be before the admission")]
    elif facts.ordered_at > clock.now() + EVENT_SLACK:
        errors["ordered_at"] = [_("may not be in the future")]
    try:
        rules.barrier_dates_check(ordered_at=facts.ordered_at, expected_at=facts.expected_at)
    except rules.TransitionError as error:
        errors[error.field] = [_("may not be before the order")]
    if errors:
        raise ValidationFailed(errors)
    barrier = SequencingBarrier.objects.create(
        program_id=stay.program_id,
        consumer_id=stay.consumer_id,
        stay=stay,
        item=facts.item.value,
        description=facts.description.strip()[:200],
        ordered_at=facts.ordered_at,
        expected_at=facts.expected_at,
        reason=facts.reason.value,
        note=facts.note.strip(),
        recorded_by=actor.user,
        recorded_at=clock.now(),
    )
    _audit(actor, AuditAction.CREATE, stay.consumer_id, "sequencing_barrier", barrier.pk)
    return barrier


def _level_open(
    barrier: SequencingBarrier, level: rules.EscalationLevel, opened_at: datetime
) -> SequencingEscalation:
    """Open `level` for the barrier: its row, and the barrier's response clock moved to
    the level's deadline (one deadline row per barrier; its level in `escalation_level`)."""
    due_at = rules.level_due_at(opened_at, level)
    escalation = SequencingEscalation.objects.create(
        barrier=barrier,
        level=level.level,
        role=level.role,
        response_hours=level.response_hours,
        opened_at=opened_at,
        due_at=due_at,
    )
    deadline = deadline_set(
        kind=TransitionDeadline.SEQUENCING_RESPONSE,
        subject_type=BARRIER_SUBJECT,
        subject_id=barrier.pk,
        due_at=due_at,
        owner_id=_owner_id(barrier.stay),
        consumer_id=barrier.consumer_id,
    )
    Deadline.objects.filter(pk=deadline.pk).update(escalation_level=level.level)
    barrier.state, barrier.level = BarrierState.ESCALATED, level.level
    barrier.save(update_fields=["state", "level"])
    return escalation


def _barrier_locked(barrier: SequencingBarrier) -> SequencingBarrier:
    """The barrier re-read under a row lock, so a request and the sweep never both move
    its level."""
    return (
        SequencingBarrier.objects.select_for_update(of=("self",))
        .select_related("stay__case")
        .get(pk=barrier.pk)
    )


@transaction.atomic
def sequencing_barrier_escalate(
    *, actor: Actor, barrier: SequencingBarrier
) -> SequencingEscalation:
    """Escalate an open barrier: level 1 of the program's path (copied onto the barrier)
    opens with its response deadline. A level that passes its deadline unresolved goes to
    the next (the sweep; `sequencing_level_lapsed`). Refused when already escalated or
    resolved. Audits one update."""
    barrier = _barrier_locked(barrier)
    if barrier.state != BarrierState.OPEN:
        raise RuleViolation(_("only an open barrier that is not escalated yet can be escalated"))
    path = selectors.sequencing_path(program_id=barrier.program_id)
    barrier.path = [level.as_json() for level in path]
    barrier.save(update_fields=["path"])
    escalation = _level_open(barrier, path[0], clock.now())
    _audit(
        actor,
        AuditAction.UPDATE,
        barrier.consumer_id,
        "sequencing_barrier",
        barrier.pk,
        escalated_to=1,
    )
    return escalation


def sequencing_level_lapsed(*, deadline: Deadline) -> None:
    """Sweep handler: the barrier's current level passed its deadline unresolved. The
    level is marked lapsed and the next level of the barrier's path opens from that
    deadline; at the last level the clock stays breached (on the worklist until the
    barrier is resolved). Audited as a system act (`casework-sweep`)."""
    barrier = (
        SequencingBarrier.objects.select_for_update(of=("self",))
        .select_related("stay__case")
        .filter(pk=deadline.subject_id)
        .first()
    )
    if barrier is None or barrier.state != BarrierState.ESCALATED:
        return
    lapsed = barrier.level
    SequencingEscalation.objects.filter(barrier=barrier, level=lapsed, lapsed_at=None).update(
        lapsed_at=deadline.due_at
    )
    following = rules.next_level(rules.escalation_path_from_json(barrier.path), lapsed)
    if following is not None:
        _level_open(barrier, following, deadline.due_at)
    audit_record(
        actor=None,
        username="casework-sweep",
        action=AuditAction.UPDATE,
        consumer_id=barrier.consumer_id,
        object_type="sequencing_barrier",
        object_id=barrier.pk,
        detail={
            "lapsed_level": lapsed,
            "escalated_to": following.level if following is not None else None,
        },
    )


@transaction.atomic
def sequencing_response_record(
    *,
    actor: Actor,
    barrier: SequencingBarrier,
    responder: str,
    response: str,
    responded_at: datetime,
    resolves: bool = False,
) -> SequencingEscalation:
    """Record who responded at the barrier's current level and what they said; not
    before the level opened nor in the future. A response that resolves the barrier
    closes its clock; otherwise the clock runs on and the level still escalates when its
    deadline passes unresolved. Audits one update."""
    barrier = _barrier_locked(barrier)
    if barrier.state != BarrierState.ESCALATED:
        raise RuleViolation(_("only an escalated barrier awaits a response"))
    escalation = SequencingEscalation.objects.get(barrier=barrier, level=barrier.level)
    errors: dict[str, list[str]] = {}
    if not responder.strip():
        errors["responder"] = [_("required")]
    if not response.strip():
        errors["response"] = [_("required")]
    if responded_at < escalation.opened_at - EVENT_SLACK:
        errors["responded_at"] = [_("may not be before the level was opened")]
    elif responded_at > clock.now() + EVENT_SLACK:
        errors["responded_at"] = [_("may not be in the future")]
    if errors:
        raise ValidationFailed(errors)
    escalation.responded_at = responded_at
    escalation.responder = responder.strip()[:120]
    escalation.response = response.strip()
    escalation.recorded_by = actor.user
    escalation.save(update_fields=["responded_at", "responder", "response", "recorded_by"])
    if resolves:
        _barrier_close(barrier, actor=actor, resolution=escalation.response)
    _audit(
        actor,
        AuditAction.UPDATE,
        barrier.consumer_id,
        "sequencing_barrier",
        barrier.pk,
        responded_level=escalation.level,
        resolved=resolves,
    )
    return escalation


def _barrier_close(barrier: SequencingBarrier, *, actor: Actor, resolution: str) -> None:
    barrier.state = BarrierState.RESOLVED
    barrier.resolved_at = clock.now()
    barrier.resolved_by = actor.user
    barrier.resolution = resolution
    barrier.save(update_fields=["state", "resolved_at", "resolved_by", "resolution"])
    deadlines_finish(
        Deadline.objects.filter(
            kind=TransitionDeadline.SEQUENCING_RESPONSE,
            subject_type=BARRIER_SUBJECT,
            subject_id=barrier.pk,
        )
    )


@transaction.atomic
def sequencing_barrier_resolve(
    *, actor: Actor, barrier: SequencingBarrier, resolution: str
) -> SequencingBarrier:
    """Resolve a barrier (escalated or not) with what resolved it: its response clock is
    met (a level already breached keeps its miss on record) and leaves the worklist.
    Audits one update."""
    barrier = _barrier_locked(barrier)
    if barrier.state == BarrierState.RESOLVED:
        raise RuleViolation(_("the barrier is already resolved"))
    if not resolution.strip():
        raise ValidationFailed.single("resolution", _("required"))
    _barrier_close(barrier, actor=actor, resolution=resolution.strip())
    _audit(
        actor,
        AuditAction.UPDATE,
        barrier.consumer_id,
        "sequencing_barrier",
        barrier.pk,
        resolved=True,
        level=barrier.level,
    )
    return barrier
