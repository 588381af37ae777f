"""Demo seed of this context: two units of the demo hospital and ~60 patients in the
house, fed through the real MLLP listener (composed by `casework.demo`).

The feed runs a listener on a free loopback port and sends it, over MLLP with the `hl7`
package's client, the ADT messages of every situation: inpatients (Medicare and not),
observation and emergency patients, transfers, an expected discharge, discharges, a
cancelled admission, a cancelled transfer and one message for a unit the hospital has not
set up (left in the error queue to replay).
After the feed, `utilization_seed` records on those stays what a hospital case manager
and the physician advisor would have by now, through this context's services: admission
reviews met, and two not met (one decided by the physician advisor, not necessary with
the attending concurring, so the written-notice clock runs; one waiting in the advisor's
queue); the Important Message given and signed on two Medicare inpatients; an
authorization requested from a Medicare Advantage plan; avoidable days waiting for a
skilled nursing bed; two denials from the Medicaid plan, one appealed and overturned with
the days and money recovered, one appealed and pending with a physician's letter attached
to its stay for the appeal packet.
"""

import asyncio
import queue
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import hl7
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF
from hl7.mllp import open_hl7_connection, start_hl7_server

from casework.core import clock
from casework.core.actor import actor_for
from casework.core.models import Program
from casework.staff.models import User
from casework.stays import avoidable_services, document_services, rules, selectors, services
from casework.stays.adt import adt_receive
from casework.stays.deadlines import facility_zone
from casework.stays.listener import Listener
from casework.stays.models import Stay, Unit
from casework.stays.payers import services as payers
from casework.stays.payers.rules import AppealOutcome
from casework.stays.payers.seed import payers_seed

UNITS = (("4N", "4 North (medical)"), ("5S", "5 South (surgical)"))
FAMILY = ("Garcia", "Nguyen", "Okafor", "Smith", "Kowalski", "Haddad", "Johnson", "Rossi",
          "Tanaka", "Morales", "Brown", "Singh", "Cohen", "Dubois", "Larsen")  # fmt: skip
GIVEN = ("Ana", "Minh", "Chidi", "Ruth", "Piotr", "Layla", "Earl", "Lucia", "Kenji", "Rosa",
         "Walter", "Priya", "Miriam", "Claude", "Ingrid")  # fmt: skip
PAYERS = (("Medicare", "MC"), ("Medicare Advantage Gold", "MA"), ("State Medicaid Plan", "MCD"),
          ("Acme Employer Health", "HMO"))  # fmt: skip
DIAGNOSES = ("Heart failure", "Pneumonia", "Sepsis", "COPD exacerbation", "Cellulitis",
             "GI bleed", "Hip fracture", "Urinary tract infection")  # fmt: skip


def _ts(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%d%H%M%S+0000")


def _message(trigger: str, n: int, control: str, at: datetime, *, patient_class: str = "I",
             patient_type: str = "", unit: str = "4N", room: str = "401", expected: str = "",
             ) -> str:  # fmt: skip
    payer, plan_type = PAYERS[n % len(PAYERS)]
    pv1 = ["PV1", "1", patient_class, f"{unit}^{room}^{'AB'[n % 2]}^DEMOHOSP", "", "", "",
           f"{9000 + n % 7}^{FAMILY[(n + 3) % 15]}^{GIVEN[(n + 5) % 15]}"]  # fmt: skip
    pv1 += [""] * 10 + [patient_type, f"DV{n:04d}^^^DEMOHOSP^VN"] + [""] * 24 + [_ts(at), ""]
    segments = [
        f"MSH|^~\\&|DEMO-ADT|DEMOHOSP|CASEWORK|CW|{_ts(at)}||ADT^{trigger}^ADT_A01|{control}|P|2.5.1",
        f"EVN|{trigger}|{_ts(at)}||||{_ts(at)}",
        f"PID|1||H{n:05d}^^^DEMOHOSP^MR||{FAMILY[n % 15]}^{GIVEN[(n * 7) % 15]}||"
        f"{1935 + n % 50}0{1 + n % 9}1{n % 10}|{'FM'[n % 2]}",
        "|".join(pv1),
        f"PV2|||^{DIAGNOSES[n % len(DIAGNOSES)]}||||||{expected}",
        f"IN1|1|{plan_type}^{payer}||{payer}" + "|" * 11 + plan_type,
    ]
    return "\r".join(segments) + "\r"


def demo_feed(now: datetime) -> list[str]:
    """The demo's ADT messages, oldest first."""
    out: list[str] = []
    seq = iter(range(1, 10_000))

    def add(trigger: str, n: int, at: datetime, **kw: str) -> None:
        out.append(_message(trigger, n, f"DEMO{next(seq):05d}", at, **kw))

    for n in range(64):
        at = now - timedelta(hours=6 + (n * 7) % 140)
        unit = UNITS[n % 2][0]
        room = str(400 + n if unit == "4N" else 500 + n)
        if n % 8 == 3:  # observation
            add("A04", n, at, patient_class="O", patient_type="OBS", unit=unit, room=room)
        elif n % 8 == 6:  # emergency, waiting for a bed
            add("A04", n, at, patient_class="E", unit=unit, room=room)
        else:
            add("A01", n, at, unit=unit, room=room)
    for n in (1, 9, 17):  # transfers to the other unit
        add("A02", n, now - timedelta(hours=3), unit=UNITS[(n + 1) % 2][0], room="520")
    add("A12", 17, now - timedelta(hours=2), unit=UNITS[1][0])  # the last one was an error
    for n in (2, 10, 18, 26):  # an expected discharge date
        add("A08", n, now - timedelta(hours=2), unit=UNITS[n % 2][0],
            expected=(now + timedelta(days=1)).strftime("%Y%m%d"))  # fmt: skip
    add("A06", 11, now - timedelta(hours=1), unit=UNITS[1][0])  # observation → inpatient
    for n in (4, 12):  # discharged home
        add("A03", n, now - timedelta(hours=1), unit=UNITS[0][0])
    add("A11", 20, now - timedelta(minutes=50), unit=UNITS[0][0])  # admitted in error
    add("A01", 90, now - timedelta(hours=4), unit="ICU", room="1")  # no such unit: queued
    return out


async def _send(listener: Listener, messages: list[str]) -> list[str]:
    server = await start_hl7_server(listener.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    acks: list[str] = []
    reader, writer = await open_hl7_connection("127.0.0.1", port)
    try:
        for raw in messages:
            writer.writemessage(hl7.parse(raw))
            await writer.drain()
            acks.append(str(await reader.readmessage()))
    finally:
        writer.close()
        server.close()
        await server.wait_closed()
    return acks


def _feed_through_listener(program: Program, messages: list[str]) -> list[str]:
    """Send `messages` over MLLP to a live listener on a free loopback port, in a thread
    of its own; the listener relays each message to this thread, which applies it in the
    loader's transaction (a listener connection of its own could not see that data)."""
    requests: queue.Queue[tuple[str, queue.Queue[str]] | None] = queue.Queue()

    def relay(raw: str) -> str:
        reply: queue.Queue[str] = queue.Queue(maxsize=1)
        requests.put((raw, reply))
        return reply.get(timeout=60)

    acks: list[str] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            acks.extend(asyncio.run(_send(Listener(program, relay=relay), messages)))
        except BaseException as exc:  # reported on the loader's thread
            failure.append(exc)
        finally:
            requests.put(None)

    thread = threading.Thread(target=run, name="demo-adt-feed")
    thread.start()
    while (item := requests.get()) is not None:
        raw, reply = item
        try:
            reply.put(adt_receive(raw, program=program).ack)
        except BaseException:
            reply.put("MSA|AE")
            thread.join()
            raise
    thread.join()
    if failure:
        raise failure[0]
    return acks


def hospital_seed(*, program: Program, covering: list[User]) -> dict[str, int]:
    """Two units, each covered by one of `covering`, and the ADT feed sent through a live
    listener. Returns the ACK codes counted."""
    units = [Unit.objects.create(program=program, code=c, name=n) for c, n in UNITS]
    for unit, user in zip(units, covering, strict=False):
        services.unit_assign(unit=unit, user=user, actor=None)
    payers_seed(program=program)
    acks = _feed_through_listener(program, demo_feed(clock.now()))
    counts: dict[str, int] = {}
    for ack in acks:
        code = next(s for s in ack.split("\r") if s.startswith("MSA")).split("|")[1]
        counts[code] = counts.get(code, 0) + 1
    return counts


MET = {"order": True, "two_midnight": True, "inpatient_only": False, "exception": False,
       "intensity": True}  # fmt: skip
NOT_MET = {**MET, "two_midnight": False, "intensity": False}
CLEAN = services.Attestation(involved_in_care=False, financial_interest=False)


def _stay(program: Program, n: int) -> Stay:
    return Stay.objects.get(program=program, visit_number=f"DV{n:04d}")


def _letter() -> bytes:
    """A physician's letter for the appeal, made here (no file is shipped)."""
    pdf = FPDF(format="Letter")
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    for line in (
        "Letter of medical necessity",
        "The patient required inpatient care: intravenous diuresis with daily",
        "laboratory monitoring and telemetry; discharge was not safe before day 4.",
        "Dr. Ruth Okafor, attending physician",
    ):
        pdf.cell(0, 9, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def utilization_seed(
    *, program: Program, manager: User, physician: User, now: datetime
) -> dict[str, int]:
    cm = actor_for(manager, address="127.0.0.1")
    advisor = actor_for(physician, address="127.0.0.1")
    criteria = settings.CASEWORK_STAYS_CRITERIA
    today = now.astimezone(facility_zone()).date()

    def review(n: int, results: dict[str, bool], question: str = "") -> None:
        services.review_record(
            stay=_stay(program, n),
            actor=cm,
            facts=services.ReviewFacts(
                kind=rules.ReviewKind.ADMISSION,
                results=results,
                two_midnight_expected=results["two_midnight"],
                inpatient_only=False,
                question=question,
            ),
            criteria_key=criteria,
        )

    for n in (0, 5, 8, 13):
        review(n, MET)
    review(16, NOT_MET, "Could observation have sufficed?")
    review(21, NOT_MET, "Telemetry only: inpatient criteria not met?")
    referral = selectors.open_referral(stay_id=_stay(program, 16).pk)
    assert referral is not None
    services.referral_decide(
        referral=referral,
        actor=advisor,
        facts=services.DecisionFacts(
            determination=rules.Determination.NOT_NECESSARY,
            rationale="Stable on oral therapy since day 1; observation would have sufficed.",
            attestation=CLEAN,
            attending_view=rules.AttendingView.CONCURS,
            peer_to_peer="Spoke with the attending, who agreed.",
        ),
    )
    for n in (0, 8):  # Medicare inpatients: the IM given and signed
        services.notice_record(
            stay=_stay(program, n),
            actor=cm,
            facts=services.NoticeFacts(
                kind=rules.NoticeKind.IM_INITIAL,
                delivered_at=now - timedelta(hours=2),
                response=rules.NoticeResponse.SIGNED,
                signer="the patient",
                staff_name=manager.get_full_name(),
                staff_title="Case manager",
            ),
        )
    payers.authorization_open(
        actor=cm,
        stay=_stay(program, 1),
        facts=payers.AuthorizationFacts(
            level_of_care="acute", requested_days=3, notification_sent_at=now - timedelta(hours=1)
        ),
    )
    avoidable_services.avoidable_day_record(
        stay=_stay(program, 13),
        actor=cm,
        facts=avoidable_services.AvoidableDayFacts(
            start_date=today - timedelta(days=2),
            end_date=today - timedelta(days=1),
            category="community_post_acute",
            reason="CP01",
            responsible_party="Sunrise Skilled Nursing",
            note="Medically ready; no SNF bed accepted yet.",
            medically_ready_at=now - timedelta(days=2, hours=3),
        ),
    )
    denials = 0
    for n, outcome in ((18, AppealOutcome.OVERTURNED), (10, None)):
        stay = _stay(program, n)
        denial = payers.denial_record(
            actor=cm,
            stay=stay,
            facts=payers.DenialFacts(
                kind="medical_necessity",
                reason="Inpatient level not supported after day 2",
                reason_category="continued_stay",
                received_date=today,
                denied_days=2,
                denied_amount=Decimal("3800.00"),
                reference_number=f"SMP-{n:04d}",
            ),
        )
        denials += 1
        appeal = payers.appeal_file(
            actor=cm,
            denial=denial,
            version=denial.version,
            facts=payers.AppealFacts(
                filed_at=now - timedelta(hours=1),
                argument="Intravenous therapy and telemetry through day 4.",
            ),
        )
        if outcome is not None:
            payers.appeal_decide(
                actor=cm,
                appeal=appeal,
                version=appeal.version,
                facts=payers.OutcomeFacts(
                    outcome=outcome,
                    decided_at=now - timedelta(minutes=20),
                    overturned_days=2,
                    overturned_amount=Decimal("3800.00"),
                ),
            )
        else:
            document_services.stay_document_attach(
                actor=cm,
                stay=stay,
                title="Letter of medical necessity",
                kind="physician_letter",
                upload=SimpleUploadedFile("letter.pdf", _letter()),
            )
    return {"reviews": 6, "denials": denials}
