"""Journey: the hospital's ADT feed admits a Medicare patient over MLLP; the case manager
covering the unit finds them on the census, opens the stay, sees the IM clock and prints
the notice in Spanish; a physician advisor finds the stay in the queue after a review not
met, and the payer's denial is recorded from the stay page with a peer-to-peer requested
about it; the physician advisor reads the denial report (issue 15, as far as the slice
goes)."""

import asyncio
import threading
from datetime import timedelta

import hl7
import pytest
from hl7.mllp import open_hl7_connection, start_hl7_server
from playwright.sync_api import expect

from casework.core import clock
from casework.core.models import Program
from casework.stays import services
from casework.stays.listener import Listener
from casework.stays.models import Stay, Unit
from casework.stays.payers import services as payer_services
from casework.stays.rules import ReviewKind
from tests import factories
from tests.conftest import World
from tests.e2e.conftest import PASSWORD, Checked
from tests.e2e.test_journeys import heading
from tests.stays.messages import adt

pytestmark = [pytest.mark.e2e, pytest.mark.slow(10)]


async def _feed(program: Program, raw: str) -> str:
    listener = Listener(program)
    server = await start_hl7_server(listener.handle, "127.0.0.1", 0)
    reader, writer = await open_hl7_connection("127.0.0.1", server.sockets[0].getsockname()[1])
    writer.writemessage(hl7.parse(raw))
    await writer.drain()
    ack = str(await reader.readmessage())
    writer.close()
    server.close()
    await server.wait_closed()
    return ack


def test_adt_admit_census_stay_notice_and_advisor_queue(checked: Checked, staff: World) -> None:
    c, page = checked, checked.page
    unit = Unit.objects.create(program=staff.program, code="4N", name="4 North")
    services.unit_assign(unit=unit, user=staff.cm, actor=None)
    at = clock.now().strftime("%Y%m%d%H%M%S+0000")
    raw = adt("A01", mrn="J1", visit="JV1", family="Reyes", given="Marta", at=at)
    acks: list[str] = []
    # Playwright's sync API runs an event loop in this thread: the feed gets its own.
    sender = threading.Thread(target=lambda: acks.append(asyncio.run(_feed(staff.program, raw))))
    sender.start()
    sender.join(timeout=60)
    ack = acks[0]
    assert "MSA|AA|" in ack
    stay = Stay.objects.get(visit_number="JV1")

    c.sign_in(staff.cm.username)
    page.goto(f"{c.base_url}/census/")
    heading(page, "Census")
    c.check()
    page.get_by_role("link", name="Reyes, Marta").click()
    heading(page, "Marta Reyes — stay JV1")
    expect(page.locator("#clocks + p + table")).to_contain_text("Important Message")
    c.check()
    page.get_by_role("link", name="Print the Important Message").click()
    heading(page, "Your rights as a hospital inpatient with Medicare")
    page.get_by_role("link", name="Español").click()
    heading(page, "Sus derechos como paciente hospitalizado con Medicare")
    c.check()

    # The payer denies two days: the case manager records it from the stay page.
    payer_services.payer_settings_from_preset(
        program=staff.program, name="Acme Medicaid", payer_type="medicaid_managed_care"
    )
    # Admitted half an hour ago, so the peer-to-peer typed below (to the minute) is after it.
    Stay.objects.filter(pk=stay.pk).update(
        payer="Acme Medicaid", admitted_at=clock.now() - timedelta(minutes=30)
    )
    page.goto(f"{c.base_url}/stays/{stay.pk}/")
    page.get_by_role("link", name="Record a denial").click()
    heading(page, "Record a denial")
    c.check()
    page.get_by_label("Kind of denial").select_option("medical_necessity")
    page.get_by_label("Reason category").select_option("lower_level_of_care")
    page.get_by_label("Payer's reason").fill("Observation level suffices")
    page.get_by_label("Received on").fill(factories.local_today().isoformat())
    page.get_by_label("Days denied").fill("2")
    page.get_by_role("button", name="Record the denial").click()
    expect(page.locator("#denials + p + table")).to_contain_text("Medical necessity")
    c.check()

    # The case manager asks for a peer-to-peer about the denial.
    page.locator("#denials + p + table").get_by_role("link", name="Request a peer-to-peer").click()
    heading(page, "Request a peer-to-peer with the payer")
    c.check()
    page.get_by_label("Speaks for the hospital").select_option("physician_advisor")
    page.get_by_label("Physician who will speak").fill("Dr. Rivera")
    page.get_by_label("Requested at").fill(
        factories.typed_time(clock.now() - timedelta(minutes=5), staff.program)
    )
    page.get_by_role("button", name="Request the peer-to-peer").click()
    expect(page.locator("table[aria-describedby='peer-to-peers']")).to_contain_text("Dr. Rivera")
    expect(page.locator("table[aria-describedby='peer-to-peers']")).to_contain_text(
        "Peer-to-peer with the payer due"
    )
    c.check()

    services.review_record(
        stay=stay,
        actor=factories.actor(staff.cm),
        facts=services.ReviewFacts(
            kind=ReviewKind.ADMISSION,
            results={
                "order": True,
                "two_midnight": False,
                "inpatient_only": False,
                "exception": False,
                "intensity": False,
            },
            two_midnight_expected=False,
            inpatient_only=False,
        ),
        criteria_key="casework-open-um-2026.1",
    )
    page.get_by_role("button", name="Sign out").click()
    staff.physician.set_password(PASSWORD)
    staff.physician.save()
    c.sign_in(staff.physician.username)
    page.goto(f"{c.base_url}/advisor-queue/")
    heading(page, "Physician advisor queue")
    expect(page.locator("#advisor-queue")).to_contain_text("Reyes, Marta")
    c.check()

    # The physician advisor, a UM role, reads the denial report by reason category.
    page.goto(f"{c.base_url}/denials/report/")
    heading(page, "Denial report")
    expect(page.locator("#denial-report")).to_contain_text(
        "Care could have been given at a lower level"
    )
    c.check()
