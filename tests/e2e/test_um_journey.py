"""Journey (issue 15): the hospital's ADT feed admits a patient over MLLP; the case manager
covering the unit finds them on the census and records an admission review not met; the
physician advisor decides the referral; the case manager opens the payer authorization
and records avoidable days; the feed discharges the patient; the payer's denial is
recorded, a physician's letter attached, the appeal filed, the appeal packet PDF printed
(the letter in it) and the payer's outcome recorded."""

import asyncio
import threading
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from casework.core import clock
from casework.stays import services
from casework.stays.models import Stay, Unit
from casework.stays.payers import services as payer_services
from casework.stays.payers.models import StayAppeal
from tests import factories
from tests.conftest import World
from tests.documents import pdf_text
from tests.e2e.conftest import PASSWORD, Checked
from tests.e2e.test_journeys import heading, tick
from tests.e2e.test_stays_journey import _feed
from tests.stays.messages import adt
from tests.stays.test_stay_documents import summary_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.slow(15)]


def _send(staff: World, raw: str) -> str:
    acks: list[str] = []
    # Playwright's sync API runs an event loop in this thread: the feed gets its own.
    sender = threading.Thread(target=lambda: acks.append(asyncio.run(_feed(staff.program, raw))))
    sender.start()
    sender.join(timeout=60)
    return acks[0]


def _submit(page: Page) -> None:
    page.locator("main form.usa-form button[type=submit]").click()


def _switch(c: Checked, user: object) -> None:
    c.page.get_by_role("button", name="Sign out").click()
    user.set_password(PASSWORD)  # type: ignore[attr-defined]
    user.save()  # type: ignore[attr-defined]
    c.sign_in(user.username)  # type: ignore[attr-defined]


def test_um_from_admission_review_to_appeal_outcome(checked: Checked, staff: World) -> None:
    c, page = checked, checked.page
    unit = Unit.objects.create(program=staff.program, code="4N", name="4 North")
    services.unit_assign(unit=unit, user=staff.cm, actor=None)
    payer_services.payer_settings_from_preset(
        program=staff.program, name="Acme Medicaid", payer_type="medicaid_managed_care"
    )
    admitted = clock.now() - timedelta(days=3)
    at = admitted.strftime("%Y%m%d%H%M%S+0000")
    admit = adt("A01", mrn="U1", visit="UV1", family="Okafor", given="Ruth", at=at,
                payer="Acme Medicaid", plan_type="MCD")  # fmt: skip
    assert "MSA|AA|" in _send(staff, admit)
    stay = Stay.objects.get(visit_number="UV1")

    # The case manager finds the patient on the census and reviews the admission.
    c.sign_in(staff.cm.username)
    page.goto(f"{c.base_url}/census/")
    heading(page, "Census")
    page.get_by_role("link", name="Okafor, Ruth").click()
    heading(page, "Ruth Okafor — stay UV1")
    page.get_by_role("link", name="Record an admission review").click()
    heading(page, "Admission review")
    c.check()
    page.locator("select[name=criterion_order]").select_option("met")
    for criterion in ("two_midnight", "inpatient_only", "exception", "intensity"):
        page.locator(f"select[name=criterion_{criterion}]").select_option("not_met")
    page.get_by_label("Question for the physician advisor").fill("Observation instead?")
    _submit(page)
    heading(page, "Ruth Okafor — stay UV1")
    expect(page.locator("table[aria-describedby='reviews']")).to_contain_text("not_met")

    # The physician advisor decides the referral, the attending concurring.
    _switch(c, staff.physician)
    page.goto(f"{c.base_url}/stays/{stay.pk}/")
    page.get_by_role("link", name="Decide the open referral (physician advisor)").click()
    c.check()
    page.get_by_label("Determination").select_option("not_necessary")
    page.get_by_label("Rationale").fill("Stable on oral therapy; observation would suffice.")
    page.get_by_label("The attending physician, consulted").select_option("concurs")
    page.get_by_label("Conversation with the attending (peer to peer)").fill("Agreed by phone.")
    tick(page, "I attest that I am not professionally involved in this patient's care")
    tick(page, "I attest that I have no financial interest in the hospital")
    _submit(page)
    expect(page.locator("table[aria-describedby='referrals']")).to_contain_text("not_necessary")

    # The case manager asks the payer to authorize the days and records avoidable days.
    _switch(c, staff.cm)
    page.goto(f"{c.base_url}/stays/{stay.pk}/")
    page.get_by_role("link", name="Open an authorization").click()
    c.check()
    page.get_by_label("Level of care or post-acute service").select_option("acute")
    page.get_by_label("Requested (days, visits or items)").fill("3")
    _submit(page)
    heading(page, "Ruth Okafor — stay UV1")
    expect(
        page.locator("#authorizations + p + table, #authorizations ~ table").first
    ).to_contain_text("Acute inpatient")
    page.get_by_role("link", name="Record avoidable days").click()
    yesterday = (factories.local_today() - timedelta(days=1)).isoformat()
    page.get_by_label("First avoidable day").fill(yesterday)
    page.get_by_label("Last avoidable day").fill(yesterday)
    page.get_by_label("Reason").select_option("CP01")
    page.get_by_label("Responsible party").fill("Sunrise Skilled Nursing")
    _submit(page)
    expect(page.locator("table[aria-describedby='avoidable-days']")).to_contain_text(
        "Sunrise Skilled Nursing"
    )

    # The feed discharges the patient; the payer denies two days.
    discharge_at = (clock.now() - timedelta(hours=1)).strftime("%Y%m%d%H%M%S+0000")
    assert "MSA|AA|" in _send(staff, adt("A03", mrn="U1", visit="UV1", at=discharge_at))
    page.goto(f"{c.base_url}/stays/{stay.pk}/")
    page.get_by_role("link", name="Record a denial").click()
    page.get_by_label("Kind of denial").select_option("medical_necessity")
    page.get_by_label("Reason category").select_option("lower_level_of_care")
    page.get_by_label("Payer's reason").fill("Observation level suffices")
    page.get_by_label("Received on").fill(factories.local_today().isoformat())
    page.get_by_label("Days denied").fill("2")
    page.get_by_label("Amount denied (USD)").fill("3800.00")
    _submit(page)
    expect(page.locator("#denials + p + table")).to_contain_text("Medical necessity")

    # A physician's letter for the appeal.
    page.get_by_role("link", name="Attach a document").click()
    heading(page, "Attach a document")
    c.check()
    page.get_by_label("Title").fill("Letter of medical necessity")
    page.get_by_label("Kind").select_option("physician_letter")
    page.get_by_label("File").set_input_files(
        files=[{"name": "letter.pdf", "mimeType": "application/pdf",
                "buffer": summary_pdf("Letter: intravenous therapy through day 3.")}]
    )  # fmt: skip
    _submit(page)
    expect(page.locator("table[aria-describedby='documents']")).to_contain_text(
        "Letter of medical necessity"
    )

    # The appeal, its packet, and the payer's outcome.
    page.get_by_role("link", name="File an appeal").click()
    page.get_by_label("Filed at").fill(
        factories.typed_time(clock.now() - timedelta(minutes=5), staff.program)
    )
    page.get_by_label("Argument").fill("Intravenous therapy and telemetry through day 3.")
    _submit(page)
    packet_href = page.get_by_role("link", name="Appeal packet (PDF)").get_attribute("href")
    packet = page.request.get(f"{c.base_url}{packet_href}")
    assert packet.status == 200 and packet.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_text(packet.body()).split())
    assert "Attachment 1: Letter of medical necessity" in text
    assert "Letter: intravenous therapy through day 3." in text
    assert "Stable on oral therapy; observation would suffice." in text
    page.get_by_role("link", name="Record the outcome").click()
    c.check()
    page.get_by_label("Outcome").select_option("overturned")
    page.get_by_label("Decided at").fill(
        factories.typed_time(clock.now() - timedelta(minutes=1), staff.program)
    )
    page.get_by_label("Days overturned").fill("2")
    page.get_by_label("Amount recovered (USD)").fill("3800.00")
    _submit(page)
    expect(page.locator("#denials + p + table")).to_contain_text("Overturned")
    appeal = StayAppeal.objects.get(denial__stay=stay)
    assert (appeal.outcome, appeal.overturned_days, str(appeal.overturned_amount)) == (
        "overturned",
        2,
        "3800.00",
    )
