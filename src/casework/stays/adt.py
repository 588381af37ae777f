"""Applying HL7 v2 ADT messages to stays and consumers (reference sheet section I).

`adt_receive(raw, program=...)` is the one entry for the MLLP listener, the batch loader
and a replay from the error queue. It answers with the ACK to send:

  AA  the change is committed (the ACK is built after the transaction commits)
  AE  the message is well formed but cannot be applied (unknown patient or visit, a rule
      refused it): kept in the error queue with the reason, replayable
  AR  malformed, or a message type or trigger we do not take: kept with the reason

A message whose (MSH-3, MSH-4, MSH-10) was already applied gets the stored ACK again and
changes nothing. The interface is the actor: each applied message writes the audit event
of the service it calls, naming the sending application.
"""

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import hl7
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model

from casework.consumers.models import Consumer
from casework.consumers.services import consumer_build
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.errors import DomainError, RuleViolation, ValidationFailed
from casework.core.models import AuditAction, Program
from casework.core.prepared import PreparedInsert, PreparedLoad, PreparedUpdate
from casework.stays import rules, services
from casework.stays.deadlines import facility_zone
from casework.stays.models import AdtMessage, Stay, Unit
from casework.stays.rules import AckCode, AdtOutcome, AdtTrigger, StatusSource, StayClass
from casework.stays.rules import StayEvent as Ev

ACK_APPLICATION = "CASEWORK"
ACK_FACILITY = "CASEWORK"


class AdtError(Exception):
    """A well-formed message that cannot be applied (AE)."""


class AdtReject(Exception):
    """A malformed message or one we do not take (AR)."""


@dataclass(frozen=True)
class AdtResult:
    ack: str
    code: AckCode
    duplicate: bool
    message_id: int | None


@functools.cache
def _accessor(path: str) -> hl7.Accessor:
    return hl7.Accessor.parse_key(path)


def _field(msg: hl7.Message, path: str) -> str:
    # As msg[path], with each path parsed once per process (a message reads ~30 fields).
    try:
        return str(msg.extract_field(*_accessor(path))).strip()
    except (KeyError, IndexError):
        return ""


def _key(msg: hl7.Message) -> rules.MshKey:
    return rules.MshKey(
        sending_application=_field(msg, "MSH.F3.R1.C1"),
        sending_facility=_field(msg, "MSH.F4.R1.C1"),
        control_id=_field(msg, "MSH.F10"),
    )


def _ack(text: str | None, code: AckCode, reason: str, control_id: str) -> str:
    """The ACK (original mode) for the message `text` (normalized: segments end in CR):
    MSH-3/4 ours, MSH-5/6 its sending application and facility, MSH-9 ACK^<its
    trigger>^ACK, MSH-11/12 its processing id and version, MSA-1 the code, MSA-2 its
    MSH-10 and MSA-3 the reason, all in its own delimiters. Built from the MSH text
    (the `hl7` package's `create_ack` builds and serializes a message tree: ~6 % of the
    listener's CPU). Without a message (an unreadable frame): a minimal ACK."""
    stamp = clock.now().strftime("%Y%m%d%H%M%S")
    ack_id = f"ACK{stamp}{abs(hash((control_id, stamp))) % 10**8:08d}"
    if text is not None and text.startswith("MSH") and len(text) > 8:
        separator = text[3]
        fields = text.split("\r", 1)[0].split(separator)  # fields[n - 1] is MSH-n
        encoding = fields[1] or "^~\\&"

        def msh(n: int) -> str:
            return fields[n - 1] if len(fields) >= n else ""

        kind = msh(9).split(encoding[0])
        trigger = kind[1] if len(kind) > 1 else ""
        header = [ACK_APPLICATION, ACK_FACILITY, msh(3), msh(4), stamp, ""]
        header += [encoding[0].join(("ACK", trigger, "ACK")), ack_id, msh(11), msh(12)]
        msa = ["MSA", code.value, msh(10)]
        if reason:
            msa.append(_escape(reason, separator, encoding))
        return separator.join(["MSH", encoding, *header]) + "\r" + separator.join(msa) + "\r"
    msh_segment = f"MSH|^~\\&|{ACK_APPLICATION}|{ACK_FACILITY}|||{stamp}||ACK|{ack_id}|P|2.5.1"
    msa_segment = f"MSA|{code.value}|{_escape(control_id)}" + (
        f"|{_escape(reason)}" if reason else ""
    )
    return f"{msh_segment}\r{msa_segment}\r"


def _escape(text: str, separator: str = "|", encoding: str = "^~\\&") -> str:
    """`text` as one field value: each delimiter as its escape sequence (HL7 v2 2.7)."""
    delimiters = (encoding + "^~\\&"[len(encoding) :])[:4]
    component, repetition, escape, subcomponent = list(delimiters)
    out = text.replace(escape, f"{escape}E{escape}")
    for char, name in (
        (separator, "F"),
        (component, "S"),
        (subcomponent, "T"),
        (repetition, "R"),
    ):
        out = out.replace(char, f"{escape}{name}{escape}")
    return out.replace("\r", " ").replace("\n", " ")


def _normalize(raw: str) -> str:
    """The message with each segment ended by CR and no MLLP framing characters."""
    return raw.replace("\r\n", "\r").replace("\n", "\r").strip("\r\x0b\x1c")


def _parse(text: str) -> hl7.Message:
    """Parse the normalized message `text`."""
    if not text.startswith("MSH"):
        raise AdtReject("the message does not begin with an MSH segment")
    try:
        return hl7.parse(text)
    except Exception as exc:  # the library raises several kinds on malformed input
        raise AdtReject(f"the message could not be parsed: {exc}") from exc


def _trigger(msg: hl7.Message) -> AdtTrigger:
    kind = _field(msg, "MSH.F9.R1.C1")
    trigger = _field(msg, "MSH.F9.R1.C2") or _field(msg, "EVN.F1")
    if kind != "ADT":
        raise AdtReject(f"message type {kind or '(empty)'} is not ADT")
    try:
        return AdtTrigger(trigger)
    except ValueError:
        raise AdtReject(f"trigger event {trigger or '(empty)'} is not supported") from None


def _time(msg: hl7.Message, *paths: str) -> datetime:
    """The first timestamp among `paths` (e.g. EVN-6 occurred, EVN-2 recorded); now if none."""
    zone = facility_zone()
    for path in paths:
        value = _field(msg, path)
        if value:
            try:
                at = rules.hl7_timestamp(value, zone)
            except ValueError as exc:
                raise AdtReject(f"{path.replace('.F', '-')}: {exc}") from exc
            if at is not None:
                return at
    return clock.now()


# The look-ups every message makes, compiled once per database (core.prepared): on this
# path Django's query compilation costs more CPU than the database spends running them.
# Each runs against the database every time (no cache to invalidate).
_CONSUMER_BY_MRN = PreparedLoad(
    lambda _variant, program_id, mrn: Consumer.objects.filter(
        program_id=program_id, mrn=mrn
    ).order_by("pk")[:1],
    program_id=987_654_311,
    mrn="~mrn-sample~",
)
_STAY_BY_VISIT = PreparedLoad(
    lambda _variant, program_id, visit: (
        Stay.objects.select_for_update()
        .filter(program_id=program_id, visit_number=visit)
        .order_by("pk")[:1]
    ),
    program_id=987_654_312,
    visit="~visit-sample~",
)
_UNIT_BY_CODE = PreparedLoad(
    lambda _variant, program_id, code: Unit.objects.filter(
        program_id=program_id, code=code
    ).order_by("pk")[:1],
    program_id=987_654_313,
    code="~unit-sample~",
)
_MESSAGE_INSERT = PreparedInsert(AdtMessage)
_MESSAGE_STAY_UPDATE = PreparedUpdate(AdtMessage, ["stay"])


def _first[M: Model](found: list[M]) -> M | None:
    return found[0] if found else None


def _consumer(program: Program, msg: hl7.Message, *, create: bool) -> Consumer:
    mrn = _field(msg, "PID.F3.R1.C1")
    if not mrn:
        raise AdtReject("PID-3 (patient identifier) is empty")
    consumer = _first(_CONSUMER_BY_MRN.objects(None, program_id=program.pk, mrn=mrn))
    if consumer is not None:
        return consumer
    if not create:
        raise AdtError(f"no patient with identifier {mrn}")
    birth = rules.hl7_date(_field(msg, "PID.F7"))
    family, given = _field(msg, "PID.F5.R1.C1"), _field(msg, "PID.F5.R1.C2")
    if birth is None or not family or not given:
        raise AdtError("a new patient needs PID-5 (family and given name) and PID-7 (birth date)")
    sex = {"F": "female", "M": "male", "O": "other"}.get(_field(msg, "PID.F8").upper(), "unknown")
    consumer = consumer_build(
        program_id=program.pk,
        mrn=mrn,
        given_name=given,
        family_name=family,
        birth_date=birth,
        sex=sex,
    )
    consumer.save()
    return consumer


def _visit(msg: hl7.Message) -> str:
    visit = _field(msg, "PV1.F19.R1.C1")
    if not visit:
        raise AdtReject("PV1-19 (visit number) is empty")
    return visit


def _stay(program: Program, msg: hl7.Message) -> Stay:
    visit = _visit(msg)
    stay = _first(_STAY_BY_VISIT.objects(None, program_id=program.pk, visit=visit))
    if stay is None:
        raise AdtError(f"no stay with visit number {visit}")
    return stay


def _unit(program: Program, msg: hl7.Message) -> Unit | None:
    code = _field(msg, "PV1.F3.R1.C1")
    if not code:
        return None
    unit = _first(_UNIT_BY_CODE.objects(None, program_id=program.pk, code=code))
    if unit is None:
        raise AdtError(f"no unit with code {code}")
    return unit


def _bed(msg: hl7.Message) -> str:
    room, bed = _field(msg, "PV1.F3.R1.C2"), _field(msg, "PV1.F3.R1.C3")
    return "-".join(p for p in (room, bed) if p)


def _class(msg: hl7.Message) -> StayClass:
    patient_class = _field(msg, "PV1.F2")
    stay_class = rules.stay_class_of(patient_class, _field(msg, "PV1.F18"))
    if stay_class is None:
        raise AdtReject(f"PV1-2 patient class {patient_class or '(empty)'} is not supported")
    return stay_class


def _attending(msg: hl7.Message) -> str:
    family, given = _field(msg, "PV1.F7.R1.C2"), _field(msg, "PV1.F7.R1.C3")
    return " ".join(p for p in (given, family) if p)


def _details(msg: hl7.Message) -> dict[str, Any]:
    """The stay details a message carries (only the fields present)."""
    out: dict[str, Any] = {}
    attending = _attending(msg)
    if attending:
        out["attending"] = attending
    diagnosis = _field(msg, "PV2.F3.R1.C2") or _field(msg, "DG1.F4") or _field(msg, "DG1.F3.R1.C2")
    if diagnosis:
        out["admitting_diagnosis"] = diagnosis[:200]
    payer = _field(msg, "IN1.F4.R1.C1")
    if payer:
        out["payer"] = payer[:100]
        out["plan"] = (_field(msg, "IN1.F2.R1.C2") or _field(msg, "IN1.F2.R1.C1"))[:100]
        out["medicare"] = rules.is_medicare(_field(msg, "IN1.F15"), payer)
    expected = _field(msg, "PV2.F9")
    if expected:
        try:
            out["expected_discharge_date"] = rules.hl7_date(expected)
        except ValueError as exc:
            raise AdtReject(f"PV2-9: {exc}") from exc
    return out


# The triggers that create a stay (or, for a merge, name the survivor's) rather than
# change the one their PV1-19 names.
_CREATES = frozenset({AdtTrigger.A01, AdtTrigger.A04, AdtTrigger.A40})


def _apply(
    program: Program,
    msg: hl7.Message,
    trigger: AdtTrigger,
    via: services.Via,
    stay: Stay | None = None,
) -> Stay:
    """Apply `msg`; `stay`: the stay it changes when already loaded (under lock)."""
    at = _time(msg, "EVN.F6", "EVN.F2", "MSH.F7")
    version = settings.CASEWORK_STAYS_DRG_TABLE
    if trigger in (AdtTrigger.A01, AdtTrigger.A04):
        consumer = _consumer(program, msg, create=True)
        stay_class = _class(msg)
        if trigger == AdtTrigger.A01 and stay_class != StayClass.INPATIENT:
            stay_class = StayClass.INPATIENT
        admitted = _time(msg, "PV1.F44", "EVN.F6", "EVN.F2", "MSH.F7")
        details = _details(msg)
        return services.stay_create(
            program=program,
            consumer=consumer,
            facts=services.StayFacts(
                visit_number=_visit(msg),
                stay_class=stay_class,
                admitted_at=admitted,
                unit=_unit(program, msg),
                bed=_bed(msg),
                admission_order_at=admitted if stay_class == StayClass.INPATIENT else None,
                **details,
            ),
            via=via,
            drg_version=version,
        )
    if trigger == AdtTrigger.A40:
        survivor = _consumer(program, msg, create=False)
        prior_id = _field(msg, "MRG.F1.R1.C1")
        if not prior_id:
            raise AdtReject("MRG-1 (prior patient identifier) is empty")
        prior = Consumer.objects.filter(program=program, mrn=prior_id).first()
        if prior is None:
            raise AdtError(f"no patient with prior identifier {prior_id}")
        services.stays_merge(survivor=survivor, prior=prior, at=at, via=via)
        return Stay.objects.filter(consumer=survivor).order_by("-admitted_at").first() or _none()
    stay = stay or _stay(program, msg)
    if trigger == AdtTrigger.A02:
        return services.stay_transfer(
            stay=stay, unit=_unit(program, msg), bed=_bed(msg), at=at, via=via
        )
    if trigger == AdtTrigger.A03:
        discharged = _time(msg, "PV1.F45", "EVN.F6", "EVN.F2", "MSH.F7")
        return services.stay_discharge(stay=stay, at=discharged, via=via)
    if trigger == AdtTrigger.A06:
        return services.stay_class_change(stay=stay, stay_class=StayClass.INPATIENT, at=at, via=via)
    if trigger == AdtTrigger.A07:
        new_class = _class(msg)
        if new_class == StayClass.INPATIENT:
            new_class = StayClass.OUTPATIENT_BED
        return services.stay_class_change(stay=stay, stay_class=new_class, at=at, via=via)
    if trigger == AdtTrigger.A08:
        details = _details(msg)
        bed = _bed(msg)
        if bed:
            details["bed"] = bed
        stay = services.stay_update(stay=stay, fields=details, via=via, drg_version=version, at=at)
        sent_class = rules.stay_class_of(_field(msg, "PV1.F2"), _field(msg, "PV1.F18"))
        if sent_class is not None and sent_class != stay.stay_class and stay.state == "in_house":
            stay = services.stay_class_change(stay=stay, stay_class=sent_class, at=at, via=via)
        return stay
    cancel = {
        AdtTrigger.A11: Ev.CANCEL_ADMIT,
        AdtTrigger.A12: Ev.CANCEL_TRANSFER,
        AdtTrigger.A13: Ev.CANCEL_DISCHARGE,
    }[trigger]
    return services.stay_cancel(stay=stay, cancel=cancel, at=at, via=via)


def _none() -> Stay:
    raise AdtError("the merged patient has no stay")


def _stored(program: Program, key: rules.MshKey) -> AdtMessage | None:
    return (
        AdtMessage.objects.filter(
            program=program,
            sending_application=key.sending_application,
            sending_facility=key.sending_facility,
            control_id=key.control_id,
            outcome__in=[AdtOutcome.APPLIED, AdtOutcome.REPLAYED],
        )
        .only("pk", "ack")
        .first()
    )


def _record(
    program: Program,
    raw: str,
    key: rules.MshKey,
    trigger: str,
    outcome: AdtOutcome,
    reason: str,
    ack: str,
    stay: Stay | None = None,
) -> AdtMessage:
    return _MESSAGE_INSERT.insert(
        AdtMessage(
            program=program,
            stay=stay,
            sending_application=key.sending_application[:180],
            sending_facility=key.sending_facility[:180],
            control_id=key.control_id[:199],
            trigger=trigger[:3],
            received_at=clock.now(),
            raw=raw,
            outcome=outcome,
            reason=reason[:300],
            ack=ack,
        )
    )


# What refuses a message: each is answered with an AE or AR and kept in the error queue
# (an IntegrityError: a duplicate, answered with its stored ACK).
_REFUSALS = (AdtReject, AdtError, ValidationFailed, RuleViolation, IntegrityError)


def adt_receive(raw: str, *, program: Program, strict: bool = False) -> AdtResult:
    """Apply one ADT message and return the ACK to send (see the module docstring).

    `strict`: a message that is not applied (refused, malformed or a duplicate) raises
    instead of being answered and queued, and nothing of it is written: the listener's
    batch without savepoints gives up on the first such message and applies its batch
    again with a savepoint each (`stays.listener`)."""
    key = rules.MshKey("", "", "")
    parsed: str | None = None  # the message's text once it parsed (the ACK copies its MSH)
    trigger = ""
    try:
        text = _normalize(raw)
        msg = _parse(text)
        parsed = text
        key = _key(msg)
        if not key.control_id:
            raise AdtReject("MSH-10 (message control id) is empty")
        trigger = _trigger(msg)
        # No look-up first: storing the message as applied is refused by the unique
        # constraint when it was applied before (IntegrityError below: its stored ACK).
        return _apply_and_ack(program, raw, text, msg, key, trigger)
    except _REFUSALS as exc:
        if strict:
            raise
        return _refused(program, raw, parsed, key, str(trigger), exc)


def _refused(
    program: Program,
    raw: str,
    parsed: str | None,
    key: rules.MshKey,
    trigger: str,
    exc: Exception,
) -> AdtResult:
    """The answer to a message `adt_receive` did not apply (`exc` says why): a duplicate's
    stored ACK, or an AE/AR with the message kept in the error queue."""
    if isinstance(exc, AdtReject):
        reason, code, outcome = str(exc), AckCode.REJECT, AdtOutcome.REJECTED
    elif isinstance(exc, IntegrityError):
        # Applied before (a duplicate), or by another connection first: send its ACK.
        # (In a savepoint: the listener's batch transaction survives a failure here.)
        with transaction.atomic():
            stored = _stored(program, key)
        if stored is not None:
            return AdtResult(stored.ack, AckCode.ACCEPT, True, stored.pk)
        reason, code, outcome = (
            "the message conflicts with a stored record",
            AckCode.ERROR,
            AdtOutcome.ERROR,
        )
    else:
        reason, code, outcome = _reason(exc), AckCode.ERROR, AdtOutcome.ERROR
    ack = _ack(parsed, code, reason, key.control_id)
    with transaction.atomic():
        row = _record(program, raw, key, trigger, outcome, reason, ack)
    return AdtResult(ack, code, False, row.pk)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationFailed):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
    if isinstance(exc, RuleViolation):
        return exc.reason
    return str(exc)


def _apply_and_ack(
    program: Program,
    raw: str,
    text: str,
    msg: hl7.Message,
    key: rules.MshKey,
    trigger: AdtTrigger,
) -> AdtResult:
    ack = _ack(text, AckCode.ACCEPT, "", key.control_id)
    with transaction.atomic():
        # The stay an event changes is loaded (and locked) first, so its message row is
        # stored naming it: one statement a message fewer than naming it afterwards.
        stay = None if trigger in _CREATES else _stay(program, msg)
        row = _record(program, raw, key, trigger.value, AdtOutcome.APPLIED, "", ack, stay)
        via = services.Via(
            source=StatusSource.ADT,
            interface=f"adt:{key.sending_application}"[:150],
            message=row,
        )
        applied = _apply(program, msg, trigger, via, stay)
        if row.stay_id != applied.pk:
            row.stay = applied
            _MESSAGE_STAY_UPDATE.update(row)
    # Committed: only now is the AA returned to the sender.
    return AdtResult(ack, AckCode.ACCEPT, False, row.pk)


@transaction.atomic
def adt_replay(*, message: AdtMessage, actor: Actor | None = None) -> AdtResult:
    """Apply a message from the error queue again (after the missing unit or patient was
    added). Applied: the row is marked replayed and the AA returned; the change's own
    audit event names `actor` (the person who replayed it) when given. Refused again: the
    reason is updated, the row stays in the queue, and a person's attempt is audited as
    one update of the message."""
    program = message.program
    if message.outcome not in (AdtOutcome.ERROR, AdtOutcome.REJECTED):
        raise RuleViolation("only a message in the error queue can be replayed")
    try:
        text = _normalize(message.raw)
        msg = _parse(text)
        key = _key(msg)
        if _stored(program, key) is not None:
            raise RuleViolation("this message was already applied")
        trigger = _trigger(msg)
        with transaction.atomic():
            message.outcome = AdtOutcome.REPLAYED
            message.replayed_at = clock.now()
            message.reason = ""
            message.ack = _ack(text, AckCode.ACCEPT, "", key.control_id)
            message.handled_by = actor.user if actor else None
            message.save()
            via = services.Via(
                source=StatusSource.ADT,
                actor=actor,
                interface=f"adt:{key.sending_application}"[:150],
                message=message,
            )
            stay = _apply(program, msg, trigger, via)
            message.stay = stay
            message.save(update_fields=["stay"])
        return AdtResult(message.ack, AckCode.ACCEPT, False, message.pk)
    except (AdtReject, AdtError, ValidationFailed, DomainError) as exc:
        if isinstance(exc, RuleViolation) and "already applied" in exc.reason:
            raise
        message.refresh_from_db()
        message.reason = _reason(exc)[:300]
        message.save(update_fields=["reason"])
        if actor is not None:
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                consumer_id=message.stay.consumer_id if message.stay else None,
                object_type="adt_message",
                object_id=message.pk,
                detail={"replay": "refused"},
            )
        code = AckCode.REJECT if isinstance(exc, AdtReject) else AckCode.ERROR
        return AdtResult(message.ack, code, False, message.pk)


@transaction.atomic
def adt_resolve(*, message: AdtMessage, actor: Actor, note: str) -> AdtMessage:
    """Take a message out of the error queue without applying it (fixed at the source,
    or superseded), saying how. Whoever works the queue (adt.manage) may. Refused for a
    message not in the queue or without a note. Audits one update."""
    if message.outcome not in (AdtOutcome.ERROR, AdtOutcome.REJECTED):
        raise RuleViolation("only a message in the error queue can be resolved")
    if not note.strip():
        raise ValidationFailed.single("note", "say how the message was resolved")
    message.outcome = AdtOutcome.RESOLVED
    message.resolved_at = clock.now()
    message.resolution = note.strip()[:300]
    message.handled_by = actor.user
    message.save(update_fields=["outcome", "resolved_at", "resolution", "handled_by"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        consumer_id=message.stay.consumer_id if message.stay else None,
        object_type="adt_message",
        object_id=message.pk,
        detail={"outcome": AdtOutcome.RESOLVED.value},
    )
    return message


def adt_program(code: str | None = None) -> Program:
    """The program whose feed this is: named, or the only one."""
    if code:
        program = Program.objects.filter(code=code).first()
        if program is None:
            raise ValueError(f"no program with code {code}")
        return program
    programs = list(Program.objects.all()[:2])
    if len(programs) != 1:
        raise ValueError("name the program (--program CODE)")
    return programs[0]


def split_batch(text: str) -> list[str]:
    """The messages of a batch file: MLLP frames, or MSH-started messages separated by
    newlines (FHS/BHS/BTS/FTS batch envelope segments are dropped)."""
    text = text.replace("\x1c\r", "\n").replace("\x0b", "").replace("\x1c", "")
    segments = [s for s in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if s.strip()]
    messages: list[list[str]] = []
    for segment in segments:
        if segment[:3] in ("FHS", "BHS", "BTS", "FTS"):
            continue
        if segment.startswith("MSH") or not messages:
            messages.append([segment])
        else:
            messages[-1].append(segment)
    return ["\r".join(m) + "\r" for m in messages]
