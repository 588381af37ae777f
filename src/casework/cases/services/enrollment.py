"""Enrollment: the notices given and the consent decision (C1-C3)."""

from dataclasses import replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from casework.cases import rules
from casework.cases.models import (
    Acknowledgement,
    Case,
    CaseState,
    Consent,
    ConsentDecision,
    ConsentGivenBy,
    Notice,
    NoticeKind,
    RecipientType,
)
from casework.cases.selectors import facts_of
from casework.cases.services._common import _audit, _lock
from casework.consumers.models import SupportPerson
from casework.core import clock
from casework.core.actor import Actor
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction
from casework.core.validation import validated
from casework.core.versioning import versioned_update


def _advance_after_enrollment(case: Case, facts: rules.CaseFacts) -> int:
    """Move the case on once its enrollment is complete (or refused); `facts` are the
    case's facts with the record just written. A declined case's open work items are
    cancelled; returns how many."""
    from casework.coordination.services import work_items_end_with_case

    target = rules.state_after_consent(facts)
    if target == case.state:
        return 0
    changes: dict[str, object] = {"state": target}
    if target == CaseState.ENGAGED:
        changes["engaged_at"] = clock.now()
    if target in rules.TERMINAL_STATES:
        changes["ended_at"] = clock.now()
    versioned_update(case, version=case.version, changes=changes)
    if target == CaseState.DECLINED:
        return work_items_end_with_case(
            case=case, reason=_("Case declined: consent to case management was refused.")
        )
    return 0


def notice_record(
    *,
    actor: Actor,
    case: Case,
    kind: str,
    method: str,
    delivered_at: datetime,
    acknowledgement: str,
    language: str = "",
    recipient_type: str = RecipientType.CONSUMER,
    recipient_name: str = "",
    interpreter_used: bool = False,
    good_faith_note: str = "",
) -> Notice:
    """Record an enrollment notice given (program purpose C1, complaint process C2, privacy
    practices C3). A privacy notice not acknowledged needs the good-faith effort described.
    The case becomes `engaged` once all three notices and consent are recorded.
    Who: case.manage. Audits one create."""
    if kind == NoticeKind.CLOSURE:
        raise ValidationFailed.single("kind", _("closure notices are recorded when closing"))
    _require_good_faith_note(acknowledgement, good_faith_note)
    with transaction.atomic():
        case, (notice,) = _enrollment_notices_save(
            actor,
            case,
            [kind],
            method=method,
            delivered_at=delivered_at,
            acknowledgement=acknowledgement,
            language=language,
            recipient_type=recipient_type,
            recipient_name=recipient_name,
            interpreter_used=interpreter_used,
            good_faith_note=good_faith_note,
        )
        _audit(actor, AuditAction.CREATE, case, "notice", notice.pk, kind=kind)
    return notice


def _require_good_faith_note(acknowledgement: str, good_faith_note: str) -> None:
    """A privacy notice not acknowledged needs the good-faith effort described."""
    if acknowledgement == Acknowledgement.GOOD_FAITH_ATTEMPT and not good_faith_note.strip():
        raise ValidationFailed.single(
            "good_faith_note", _("describe the good-faith effort to obtain acknowledgement")
        )


def _enrollment_notices_save(
    actor: Actor, case: Case, kinds: list[str], **given: Any
) -> tuple[Case, list[Notice]]:
    """Inside the caller's transaction: lock the case, check it takes enrollment records,
    save one notice per kind and advance the case; the caller audits."""
    case = _lock(case)
    facts = facts_of(case)
    decision = rules.may_record_enrollment(facts)
    if not decision:
        raise RuleViolation(decision.reason)
    notices = [_notice_save(actor, case, kind, **given) for kind in kinds]
    _advance_after_enrollment(case, replace(facts, notices_given=facts.notices_given | set(kinds)))
    return case, notices


def _notice_save(actor: Actor, case: Case, kind: str, **given: Any) -> Notice:
    notice = validated(
        Notice(
            case=case,
            kind=kind,
            recipient_type=given["recipient_type"],
            recipient_name=given["recipient_name"],
            method=given["method"],
            language=given["language"] or case.consumer.preferred_language,
            interpreter_used=given["interpreter_used"],
            delivered_at=given["delivered_at"],
            acknowledgement=given["acknowledgement"],
            good_faith_note=given["good_faith_note"],
            recorded_by=actor.user,
            recorded_at=clock.now(),
        )
    )
    notice.save()
    return notice


def enrollment_notices_record(
    *,
    actor: Actor,
    case: Case,
    kinds: list[str],
    method: str,
    delivered_at: datetime,
    acknowledgement: str,
    language: str = "",
    recipient_type: str = RecipientType.CONSUMER,
    recipient_name: str = "",
    interpreter_used: bool = False,
    good_faith_note: str = "",
) -> list[Notice]:
    """Record several enrollment notices given together (issue 13, item 11): one notice
    row per kind, stored exactly as `notice_record` stores one, in one transaction.
    Refused, writing nothing: no kind, a closure notice, a kind twice, a good-faith
    attempt without its note, a case that takes no enrollment record.
    Who: case.manage. Audits one create naming every notice."""
    if not kinds:
        raise ValidationFailed.single("kinds", _("choose at least one notice"))
    if len(set(kinds)) != len(kinds) or NoticeKind.CLOSURE in kinds:
        raise ValidationFailed.single("kinds", _("choose each enrollment notice once"))
    _require_good_faith_note(acknowledgement, good_faith_note)
    with transaction.atomic():
        case, notices = _enrollment_notices_save(
            actor,
            case,
            kinds,
            method=method,
            delivered_at=delivered_at,
            acknowledgement=acknowledgement,
            language=language,
            recipient_type=recipient_type,
            recipient_name=recipient_name,
            interpreter_used=interpreter_used,
            good_faith_note=good_faith_note,
        )
        _audit(
            actor,
            AuditAction.CREATE,
            case,
            "notice",
            notices[0].pk,
            kinds=list(kinds),
            notices=[n.pk for n in notices],
        )
    return notices


def consent_record(
    *,
    actor: Actor,
    case: Case,
    decision: str,
    method: str,
    decided_at: datetime,
    given_by: str = ConsentGivenBy.CONSUMER,
    surrogate: SupportPerson | None = None,
    scope: str = "Case management services",
    evidence: str = "",
) -> Consent:
    """Record consent to case management, its refusal or its revocation (C1, S39).

    A consumer who does not make their own decisions consents through their legal
    decision maker. Refusal declines a referred case. Who: case.manage. Audits one create."""
    if given_by == ConsentGivenBy.SURROGATE:
        if surrogate is None or surrogate.consumer_id != case.consumer_id:
            raise ValidationFailed.single("surrogate", _("name the consumer's support person"))
        if not surrogate.is_legal_decision_maker or surrogate.removed_at is not None:
            raise ValidationFailed.single(
                "surrogate", _("this support person is not the legal decision maker")
            )
    elif not case.consumer.makes_own_decisions:
        raise ValidationFailed.single(
            "given_by", _("this consumer's legal decision maker must decide")
        )
    with transaction.atomic():
        case = _lock(case)
        facts = facts_of(case)
        allowed = rules.may_record_consent(facts, decision)
        if not allowed:
            raise RuleViolation(allowed.reason)
        consent = validated(
            Consent(
                case=case,
                decision=decision,
                given_by=given_by,
                surrogate=surrogate if given_by == ConsentGivenBy.SURROGATE else None,
                scope=scope,
                method=method,
                decided_at=decided_at,
                evidence=evidence,
                recorded_by=actor.user,
                recorded_at=clock.now(),
            ),
            constraints=False,  # consent_surrogate_named: checked above
        )
        consent.save()
        cancelled = 0
        if decision != ConsentDecision.REVOKED:
            cancelled = _advance_after_enrollment(case, replace(facts, consent=decision))
        else:
            versioned_update(case, version=case.version, changes={})
        detail: dict[str, object] = {"decision": decision}
        if cancelled:
            detail["work_items_cancelled"] = cancelled
        _audit(actor, AuditAction.CREATE, case, "consent", consent.pk, **detail)
    return consent
