"""Writes for instruments, assessment responses, needs and reassessment triggers (D1-D4).

Everything about a consumer here is clinical: it needs active consent (C1, S39), and
each write is one audit event. Work items that an act raises (an urgent safety flag, a
triggered reassessment) are written in the same transaction and named in that event.
"""

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from casework.assessments import rules
from casework.assessments.deadlines import AssessmentDeadline
from casework.assessments.models import (
    AssessmentResponse,
    Instrument,
    Need,
    NeedKind,
    NeedStatus,
    ReassessmentExpectation,
)
from casework.cases import rules as case_rules
from casework.cases.models import Case
from casework.cases.selectors import case_facts
from casework.coordination.services import work_item_raise
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.deadlines import deadline_set
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, Deadline, Program
from casework.core.validation import validated
from casework.core.versioning import versioned_update
from casework.staff.models import User

INSTRUMENT_DIR = Path(__file__).parent / "instruments"
# The instrument whose completion starts the reassessment schedule (E4).
COMPREHENSIVE = "cm_comprehensive"


def clinical_gate(case: Case) -> None:
    """Refuse unless the case is open with active consent (409 in the API)."""
    decision = case_rules.may_record_clinical(case_facts(case=case))
    if not decision:
        raise RuleViolation(decision.reason)


# --- instruments ------------------------------------------------------------------------


def instrument_create(*, definition: dict[str, Any]) -> Instrument:
    """Store a new version of an instrument (the file loader and the admin use it). An
    existing code+version is never changed: edit by adding a version. The new version
    becomes the one offered; responses stay frozen to the version they used."""
    errors = rules.definition_errors(definition)
    if errors:
        raise ValidationFailed({"definition": errors})
    code, version = definition["code"], str(definition["version"])
    if Instrument.objects.filter(code=code, version=version).exists():
        raise ValidationFailed.single("version", _("this version exists: give the edit a new one"))
    with transaction.atomic():
        Instrument.objects.filter(code=code).update(is_current=False)
        return Instrument.objects.create(
            code=code,
            version=version,
            title=definition["title"],
            source=definition["source"],
            definition=definition,
            is_current=True,
            loaded_at=clock.now(),
        )


def instruments_load(*, directory: Path = INSTRUMENT_DIR) -> list[str]:
    """Load every `*.json` instrument file whose code+version is not yet stored; returns
    the "code version" of each one loaded (`casework load_instruments`)."""
    loaded = []
    for path in sorted(directory.glob("*.json")):
        definition = json.loads(path.read_text(encoding="utf-8"))
        code, version = definition.get("code"), str(definition.get("version"))
        if Instrument.objects.filter(code=code, version=version).exists():
            continue
        instrument_create(definition=definition)
        loaded.append(f"{code} {version}")
    return loaded


# --- responses --------------------------------------------------------------------------


def _owner(case: Case, actor_user: User) -> User:
    return case.assigned_to or actor_user


def _previous_domains(case: Case, code: str) -> dict[str, str] | None:
    previous = (
        AssessmentResponse.objects.filter(case=case, instrument__code=code)
        .order_by("-administered_at", "-id")
        .values_list("result", flat=True)
        .first()
    )
    return dict(previous["domains"]) if previous else None


def assessment_record(
    *,
    actor: Actor,
    case: Case,
    instrument: Instrument,
    answers: dict[str, Any],
    participants: str,
    language: str,
    interpreter_used: bool = False,
    part2: bool = False,
) -> AssessmentResponse:
    """Record and score a completed instrument (frozen to this instrument version).
    `part2` labels a substance-use-disorder record (42 CFR Part 2, S40); a response to an
    instrument marked Part 2 in its definition is always labelled.

    Positive domains become suggested needs; an urgent flag (PHQ-9 item 9 > 0) raises a
    work item due the same day; a domain newly positive since the last response raises a
    plan-review work item; the comprehensive assessment sets the next reassessment
    deadline from the program's interval. Needs active consent. Who: case.manage.
    Audits one create naming the needs and work items it raised."""
    if not participants.strip():
        raise ValidationFailed.single("participants", _("say who took part"))
    definition = instrument.definition
    errors = rules.answer_errors(definition, answers)
    if errors:
        raise ValidationFailed({f"answers.{k}": v for k, v in errors.items()})
    result = rules.score(definition, answers, sex=case.consumer.sex)
    now = clock.now()
    labels = rules.domain_labels(definition)
    with transaction.atomic():
        clinical_gate(case)
        previous = _previous_domains(case, instrument.code)
        response = AssessmentResponse.objects.create(
            case=case,
            instrument=instrument,
            answers=answers,
            result=result.as_json(),
            total_score=result.total,
            band=result.band.code if result.band else "",
            urgent=bool(result.urgent),
            language=language[:20],
            participants=participants[:300],
            interpreter_used=interpreter_used,
            administered_by=actor.user,
            administered_at=now,
            part2=part2 or rules.is_part2(definition),
        )
        open_domains = set(
            Need.objects.filter(
                case=case,
                kind=NeedKind.PROBLEM,
                status__in=[NeedStatus.SUGGESTED, NeedStatus.CONFIRMED],
            ).values_list("domain", flat=True)
        )
        needs = [
            Need.objects.create(
                case=case,
                kind=NeedKind.PROBLEM,
                domain=code,
                description=labels.get(code, code),
                status=NeedStatus.SUGGESTED,
                source_response=response,
                created_by=actor.user,
                created_at=now,
            )
            for code in result.positive_domains
            if code not in open_domains
        ]
        owner = _owner(case, actor.user)
        raised = [
            work_item_raise(
                case=case,
                title=_("Urgent safety follow-up: %(i)s") % {"i": instrument.title},
                description="\n".join(result.urgent),
                owner=owner,
                created_by=actor.user,
                due_at=rules.same_day_due(now),
            )
            for _flag in result.urgent[:1]
        ]
        fresh = rules.new_positive_domains(previous, result.domains)
        if fresh:
            raised.append(
                work_item_raise(
                    case=case,
                    title=_("Review the plan: new positive screen (%(d)s)")
                    % {"d": ", ".join(labels[c] for c in fresh)},
                    owner=owner,
                    created_by=actor.user,
                    due_at=rules.trigger_due("new_positive_screen", now),
                )
            )
        if instrument.code == COMPREHENSIVE:
            reassessment_schedule(case=case, from_at=now)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            consumer_id=case.consumer_id,
            object_type="assessment_response",
            object_id=response.pk,
            detail={
                "instrument": instrument.code,
                "version": instrument.version,
                "needs": [n.pk for n in needs],
                "work_items": [w.pk for w in raised],
                "urgent": bool(result.urgent),
                **({"part2": True} if response.part2 else {}),
            },
        )
    return response


def reassessment_interval(*, case: Case) -> int:
    """Days between comprehensive assessments for the case's consumer: the program's
    interval, or the payer's expectation when the program records a shorter one (E4)."""
    days = int(case.program.reassessment_interval_days)
    payer = case.consumer.payer.strip()
    if payer:
        expected = (
            ReassessmentExpectation.objects.filter(program_id=case.program_id, payer__iexact=payer)
            .values_list("interval_days", flat=True)
            .first()
        )
        if expected is not None:
            days = min(days, int(expected))
    return days


def reassessment_schedule(*, case: Case, from_at: datetime) -> Deadline:
    """Set (or move) the case's reassessment deadline: `reassessment_interval` days
    after `from_at` (E4). Called inside the act that starts the interval."""
    days = reassessment_interval(case=case)
    return deadline_set(
        kind=AssessmentDeadline.REASSESSMENT_DUE,
        subject_type="case",
        subject_id=case.pk,
        due_at=from_at + timedelta(days=days),
        owner_id=case.assigned_to_id,
        consumer_id=case.consumer_id,
    )


def reassessment_due_handle(deadline: Deadline) -> None:
    """Sweep handler: a reassessment deadline passed; raise a work item for the case
    manager (the sweep claimed the row, so this runs once). Audited as a system act."""
    case = Case.objects.select_related("assigned_to").filter(pk=deadline.subject_id).first()
    if case is None or case.assigned_to is None:
        return
    if not case_rules.may_record_clinical(case_facts(case=case)):
        return
    item = work_item_raise(
        case=case,
        title=_("Reassessment due"),
        owner=case.assigned_to,
        created_by=case.assigned_to,
        due_at=clock.now() + timedelta(days=7),
    )
    audit_record(
        actor=None,
        username="casework-sweep",
        action=AuditAction.CREATE,
        consumer_id=case.consumer_id,
        object_type="work_item",
        object_id=item.pk,
        detail={"trigger": "reassessment_due", "deadline": deadline.pk},
    )


TRIGGER_KINDS = ("condition_change", "transition_of_care")


def reassessment_trigger(*, actor: Actor, case: Case, kind: str, detail: str) -> int:
    """Record a reassessment trigger (D4): a change in condition or a transition of care.
    Raises a reassessment work item due per `rules.trigger_due`. Needs active consent.
    Who: case.manage. Audits one create; returns the work item id."""
    if kind not in TRIGGER_KINDS:
        raise ValidationFailed.single("kind", _("not a reassessment trigger"))
    if not detail.strip():
        raise ValidationFailed.single("detail", _("say what changed"))
    now = clock.now()
    titles = {
        "condition_change": _("Reassess: change in condition"),
        "transition_of_care": _("Reassess: transition of care"),
    }
    with transaction.atomic():
        clinical_gate(case)
        item = work_item_raise(
            case=case,
            title=titles[kind],
            description=detail,
            owner=_owner(case, actor.user),
            created_by=actor.user,
            due_at=rules.trigger_due(kind, now),
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            consumer_id=case.consumer_id,
            object_type="work_item",
            object_id=item.pk,
            detail={"trigger": kind},
        )
    return item.pk


# --- needs ------------------------------------------------------------------------------


def need_create(
    *,
    actor: Actor,
    case: Case,
    kind: str,
    description: str,
    domain: str = "",
    acuity: int | None = None,
    consumer_priority: int | None = None,
) -> Need:
    """Record a problem/need, strength or barrier the case manager identified with the
    consumer (confirmed at once). Needs active consent. Who: case.manage. One audit."""
    now = clock.now()
    with transaction.atomic():
        clinical_gate(case)
        need = validated(
            Need(
                case=case,
                kind=kind,
                domain=domain,
                description=description,
                status=NeedStatus.CONFIRMED,
                acuity=acuity,
                consumer_priority=consumer_priority,
                created_by=actor.user,
                created_at=now,
                decided_by=actor.user,
                decided_at=now,
            )
        )
        need.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            consumer_id=case.consumer_id,
            object_type="need",
            object_id=need.pk,
        )
    return need


def need_decide(
    *,
    actor: Actor,
    need: Need,
    version: int,
    status: str,
    acuity: int | None = None,
    consumer_priority: int | None = None,
) -> Need:
    """Confirm (with its priority and the consumer's own priority) or dismiss a need;
    a confirmed problem needs a priority (D3). Stale version → 409. Needs active
    consent. Who: case.manage. Audits one update."""
    if status not in (NeedStatus.CONFIRMED, NeedStatus.DISMISSED):
        raise ValidationFailed.single("status", _("confirm or dismiss"))
    if status == NeedStatus.CONFIRMED and need.kind == NeedKind.PROBLEM and acuity is None:
        raise ValidationFailed.single("acuity", _("a confirmed problem needs a priority"))
    if acuity is not None and acuity not in (1, 2, 3):
        raise ValidationFailed.single("acuity", _("priority is 1 (high), 2 or 3 (low)"))
    if consumer_priority is not None and not 1 <= consumer_priority <= 99:
        raise ValidationFailed.single("consumer_priority", _("a rank from 1 to 99"))
    now = clock.now()
    with transaction.atomic():
        clinical_gate(need.case)
        versioned_update(
            need,
            version=version,
            changes={
                "status": status,
                "acuity": acuity,
                "consumer_priority": consumer_priority,
                "decided_by": actor.user,
                "decided_at": now,
            },
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            consumer_id=need.case.consumer_id,
            object_type="need",
            object_id=need.pk,
            detail={"status": status},
        )
    return need


def needs_confirm(
    *, actor: Actor, case: Case, decisions: list[tuple[Need, int, int | None]]
) -> list[Need]:
    """Confirm several suggested needs of `case` at once: each (need, version read,
    priority); a problem needs a priority (D3). All or none: a stale or already decided
    need refuses the whole act and changes nothing. Needs active consent. Who:
    care.plan. Audits one update naming every need confirmed."""
    if not decisions:
        raise ValidationFailed.single("__all__", _("choose at least one need to confirm"))
    errors: dict[str, list[str]] = {}
    for need, _version, acuity in decisions:
        if need.case_id != case.pk:
            raise ValidationFailed.single("__all__", _("a need of another case"))
        if need.kind == NeedKind.PROBLEM and acuity is None:
            errors[f"acuity_{need.pk}"] = [_("a confirmed problem needs a priority")]
        elif acuity is not None and acuity not in (1, 2, 3):
            errors[f"acuity_{need.pk}"] = [_("priority is 1 (high), 2 or 3 (low)")]
    if errors:
        raise ValidationFailed(errors)
    now = clock.now()
    with transaction.atomic():
        clinical_gate(case)
        for need, version, acuity in decisions:
            versioned_update(
                need,
                version=version,
                changes={
                    "status": NeedStatus.CONFIRMED,
                    "acuity": acuity,
                    "decided_by": actor.user,
                    "decided_at": now,
                },
                where=Q(status=NeedStatus.SUGGESTED),
                refused=RuleViolation(_("a need was decided meanwhile: reload and try again")),
            )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            consumer_id=case.consumer_id,
            object_type="need",
            object_id=decisions[0][0].pk,
            detail={"status": NeedStatus.CONFIRMED, "need_ids": [n.pk for n, _v, _a in decisions]},
        )
    return [need for need, _version, _acuity in decisions]


def reassessment_expectation_set(
    *, actor: Actor, program: Program, payer: str, interval_days: int, source: str = ""
) -> ReassessmentExpectation:
    """Record (or change) a payer's reassessment expectation for the program (E4).
    Who: administrators (the admin). Audits one create or update; existing deadlines
    move at the consumer's next comprehensive assessment."""
    payer = payer.strip()
    if not payer:
        raise ValidationFailed.single("payer", _("name the payer or health plan"))
    if interval_days < 1:
        raise ValidationFailed.single("interval_days", _("must be at least one day"))
    with transaction.atomic():
        row = (
            ReassessmentExpectation.objects.select_for_update()
            .filter(program=program, payer__iexact=payer)
            .first()
        )
        action = AuditAction.UPDATE if row is not None else AuditAction.CREATE
        if row is None:
            row = ReassessmentExpectation(program=program)
        row.payer, row.interval_days, row.source = payer, interval_days, source.strip()
        validated(row)
        row.save()
        audit_record(
            actor=actor,
            action=action,
            object_type="reassessment_expectation",
            object_id=row.pk,
            detail={"payer": payer, "interval_days": interval_days},
        )
    return row
