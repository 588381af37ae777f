"""Journeys of issue 16: transition plan → choice list → choice → handoff → receipt
confirmed → discharge → 72-hour call with two failed attempts and escalation →
readmission linked; and a community referral sent → accepted → completed. axe-core on
every new page."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from casework.core import clock
from casework.core.models import Deadline
from casework.core.sweep import deadlines_sweep
from casework.stays.rules import StayClass
from casework.transitions.models import Readmission, SequencingBarrier
from tests import factories
from tests.conftest import World
from tests.e2e.conftest import Checked
from tests.e2e.test_journeys import heading, tick
from tests.resources.directory import service as resource_service
from tests.transitions.helpers import admit, discharge, load_providers

pytestmark = [pytest.mark.e2e, pytest.mark.slow(25)]


def test_transition_from_plan_to_readmission(checked: Checked, staff: World) -> None:
    c, page = checked, checked.page
    load_providers(staff.program)
    stay = admit(staff.cm, at=clock.now() - timedelta(days=3), visit="J1")
    base = f"{c.base_url}/stays/{stay.pk}/transition/"

    c.sign_in(staff.cm.username)
    page.goto(base)
    heading(page, f"Transition of care: {stay.consumer.given_name} {stay.consumer.family_name}")
    c.check()
    page.get_by_role("link", name="Edit the transition plan").click()
    c.check()
    page.get_by_label("Anticipated destination").select_option("skilled_nursing")
    tick(page, "Skilled nursing")
    page.get_by_role("button", name="Save a new version").click()
    expect(page.locator("#plan + dl")).to_contain_text("Skilled nursing facility")

    page.get_by_role("link", name="Present a choice list").click()
    c.check()
    page.get_by_label("Provider type").select_option("skilled_nursing")
    page.get_by_label("ZIP code of the consumer's area").fill("62701")
    page.get_by_role("button", name="Present the list").click()
    expect(page.locator("main")).to_contain_text("Maple SNF")
    page.get_by_role("link", name="Record the consumer's choices").click()
    c.check()
    tick(page, "Sunrise SNF")
    page.get_by_role("button", name="Record choices").click()
    expect(page.locator("main")).to_contain_text("1. Sunrise SNF")
    page.get_by_role("link", name="in Spanish").click()
    heading(page, "Su elección de proveedores de atención posaguda")
    c.check()

    page.goto(base)
    page.get_by_role("link", name="Send the handoff").click()
    c.check()
    page.get_by_label("Receiving provider").fill("Sunrise SNF")
    page.get_by_label("Reason for the stay").fill("Heart failure exacerbation")
    page.get_by_label("Allergies").fill("Penicillin")
    page.get_by_label("Contacts").fill("Dr. Reyes 555-0100")
    page.get_by_role("button", name="Send handoff").click()
    page.get_by_role("link", name="Confirm receipt").click()
    c.check()
    page.get_by_label("Who at the receiver confirmed").fill("RN Diaz")
    page.get_by_role("button", name="Confirm receipt").click()
    expect(page.locator("main")).to_contain_text("Receipt confirmed")

    discharge(stay, staff.cm, clock.now() - timedelta(minutes=30))
    for outcome in ("no_answer", "voicemail"):
        page.goto(base)
        page.get_by_role("link", name="Log a follow-up attempt").click()
        c.check()
        page.get_by_label("Channel").select_option("phone")
        page.get_by_label("Outcome").select_option(outcome)
        page.get_by_role("button", name="Log attempt").click()
    expect(page.locator("#clocks + table")).to_contain_text("Escalated")
    c.check()
    page.goto(f"{c.base_url}/follow-up/")
    heading(page, "Follow-up after discharge")
    expect(page.locator("main")).to_contain_text("J1")
    c.check()

    again = admit(
        staff.cm,
        at=clock.now(),
        visit="J2",
        consumer_id=stay.consumer_id,
        stay_class=StayClass.INPATIENT,
    )
    assert Readmission.objects.get(stay=again).index_stay_id == stay.pk
    page.goto(f"{c.base_url}/stays/{again.pk}/transition/")
    expect(page.locator("#readmission + p")).to_contain_text(
        "Readmitted 0 days after the discharge of stay J1"
    )
    c.check()
    page.get_by_role("link", name="Review the readmission").click()
    c.check()
    page.get_by_label("Root cause").select_option("medication")
    page.get_by_role("button", name="Record review").click()
    expect(page.locator("#readmission + p")).to_contain_text("Root cause")
    assert Readmission.objects.get(stay=again).root_cause == "medication"


def test_community_referral_loop(checked: Checked, staff: World) -> None:
    c, page = checked, checked.page
    case = factories.active_case(staff.cm)
    resource_service(1, "Food pantry", need="BD-1800")
    c.sign_in(staff.cm.username)
    page.goto(f"{c.base_url}/consumers/{case.consumer_id}/community-referrals/")
    c.check()
    page.get_by_role("link", name="Search the resource directory").click()
    c.check()
    page.get_by_label("Need").fill("BD-1800")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#resource-results")).to_have_text("1 service found")
    c.check()
    page.get_by_role("link", name="Refer to Food pantry").click()
    c.check()
    page.get_by_label("Need").fill("Food insecurity")
    page.get_by_role("button", name="Send referral").click()
    heading(page, f"Community referrals: {case.consumer.given_name} {case.consumer.family_name}")
    c.check()
    page.get_by_role("link", name="Food pantry").click()
    c.check()
    for status in ("accepted", "completed"):
        page.get_by_role("link", name="Update the referral").click()
        c.check()
        page.get_by_label("New status").select_option(status)
        page.get_by_role("button", name="Update").click()
    expect(page.locator("#history + table")).to_contain_text("Completed")
    c.check()


def test_sequencing_barrier_escalation(checked: Checked, staff: World) -> None:
    c, page = checked, checked.page
    stay = admit(staff.cm, at=clock.now() - timedelta(days=2), visit="J3")
    c.sign_in(staff.cm.username)
    page.goto(f"{c.base_url}/stays/{stay.pk}/transition/")
    page.get_by_role("link", name="Record a sequencing barrier").click()
    c.check()
    page.get_by_label("What is delayed").select_option("test")
    page.get_by_label("Description").fill("MRI of the lumbar spine")
    page.get_by_label("Ordered at").fill(
        factories.typed_time(clock.now() - timedelta(hours=20), staff.program)
    )
    page.get_by_label("Reason for the delay").select_option("equipment")
    page.get_by_role("button", name="Record barrier").click()
    expect(page.locator("#sequencing + table")).to_contain_text("MRI of the lumbar spine")
    c.check()

    page.get_by_role("link", name="MRI of the lumbar spine").click()
    heading(page, "Sequencing barrier: MRI of the lumbar spine")
    c.check()
    page.get_by_role("link", name="Escalate the barrier").click()
    expect(page.locator("main")).to_contain_text(
        "Level 1 (Charge nurse or unit manager) is asked and has 4 hours to respond."
    )
    c.check()
    page.get_by_role("button", name="Escalate").click()
    expect(page.locator("#escalation + table")).to_contain_text("Charge nurse or unit manager")
    c.check()

    # Level 1's four hours pass unresolved: the sweep hands the barrier to level 2.
    barrier = SequencingBarrier.objects.get(stay=stay)
    Deadline.objects.filter(subject_type="sequencing_barrier", subject_id=barrier.pk).update(
        due_at=clock.now() - timedelta(minutes=1)
    )
    deadlines_sweep()
    page.reload()
    expect(page.locator("#escalation + table")).to_contain_text("Attending physician")
    c.check()
    page.goto(f"{c.base_url}/worklist/")
    page.get_by_role("link", name="Sequencing barrier awaiting response").click()
    heading(page, "Sequencing barrier: MRI of the lumbar spine")

    page.get_by_role("link", name="Record the response").click()
    c.check()
    page.get_by_label("Who responded").fill("Dr. Reyes, attending")
    page.get_by_role("textbox", name="Response").fill(
        "Moved to the outpatient scanner this afternoon"
    )
    tick(page, "This response resolves the barrier")
    page.get_by_role("button", name="Record response").click()
    expect(page.locator("main dl")).to_contain_text("Resolved")
    c.check()
    barrier.refresh_from_db()
    assert (barrier.state, barrier.level) == ("resolved", 2)

    page.goto(f"{c.base_url}/sequencing-path/")
    heading(page, "Escalation path for sequencing barriers")
    c.check()
