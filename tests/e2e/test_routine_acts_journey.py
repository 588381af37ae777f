"""The newer pages of issue 13 in the browser, reached by clicking from the landing page
and checked by axe-core: the supervisor's bulk reassignment (/cases/reassign/) and the
merge of duplicate records with its undo; the case manager's enrollment notices in one
form, and the case page, worklist and plan at 390 px with their in-place work-item forms.
"""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from casework.careplans.seed import first_plan_seed
from casework.cases import services as case_services
from casework.cases.models import Case, Notice
from casework.consumers.models import Consumer, ConsumerMerge
from casework.coordination.services import work_item_create
from casework.core import clock
from tests import factories
from tests.conftest import World
from tests.e2e.conftest import PASSWORD, Checked
from tests.e2e.test_journeys import heading, tick
from tests.e2e.test_role_acceptance import fits, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow(10)]

BORN = date(1961, 5, 4)


def test_a_supervisor_reassigns_several_cases_then_merges_and_unmerges_a_duplicate(
    checked: Checked, staff: World
) -> None:
    survivor = factories.referred_case(
        staff.cm, given_name="Iris", family_name="Moreno", birth_date=BORN
    )
    duplicate = factories.referred_case(
        staff.cm, given_name="Iris", family_name="Moreno", birth_date=BORN, mrn="MRN-IM-2"
    )
    case_services.case_withdraw(
        actor=factories.actor(staff.cm),
        case=duplicate,
        version=duplicate.version,
        reason="Entered twice",
    )
    other = factories.referred_case(staff.cm, given_name="Omar", family_name="Reyes")
    c, page = checked, checked.page

    c.sign_in(staff.supervisor.username)
    heading(page, "Worklist")
    page.get_by_role("link", name="Reassign several cases").click()
    heading(page, "Reassign cases")
    c.check()
    page.get_by_role("button", name="Reassign").click()
    expect(page.locator("#error-summary")).to_be_focused()
    c.check()
    control = page.get_by_label(f"Case {other.pk}: Omar Reyes", exact=False)
    page.locator(f"label[for='{control.get_attribute('id')}']").click()
    expect(control).to_be_checked()
    page.get_by_label("New case manager").select_option(str(staff.cm2.pk))
    page.locator("#id_reason").fill("Balancing caseloads")
    page.get_by_role("button", name="Reassign").click()
    expect(page.get_by_role("status").first).to_contain_text("reassigned")
    c.check()
    assert Case.objects.get(pk=other.pk).assigned_to_id == staff.cm2.pk
    assert Case.objects.get(pk=survivor.pk).assigned_to_id == staff.cm.pk

    heading(page, "Reassign cases")
    page.get_by_role("navigation", name="Primary").get_by_role("link", name="Worklist").click()
    heading(page, "Worklist")
    page.get_by_role("link", name="Iris Moreno").first.click()
    heading(page, "Iris Moreno")
    page.get_by_role("link", name="All cases of this consumer").click()
    heading(page, "Iris Moreno")
    c.check()
    page.get_by_role("link", name="Merge duplicate records").click()
    heading(page, "Merge duplicate records")
    c.check()
    page.get_by_label("The duplicate record to merge into this one").select_option(
        str(duplicate.consumer_id)
    )
    page.get_by_label("Why are they the same person?").fill("Same person, entered twice")
    page.get_by_role("button", name="Merge into this record").click()
    expect(page.get_by_role("status").first).to_contain_text("The records are merged")
    c.check()
    assert Consumer.objects.get(pk=duplicate.consumer_id).merged_into_id == survivor.consumer_id

    page.get_by_label("Why is the merge undone?").fill("Two different people after all")
    page.get_by_role("button", name="Undo the merge").click()
    expect(page.get_by_role("status").first).to_contain_text("The merge is undone")
    c.check()
    assert Consumer.objects.get(pk=duplicate.consumer_id).merged_into_id is None
    assert ConsumerMerge.objects.get().undone_at is not None


def test_a_case_manager_records_the_enrollment_notices_and_works_at_390_px(
    checked: Checked, fresh_world: World
) -> None:
    cm = fresh_world.cm
    referred = factories.referred_case(cm, given_name="Nora", family_name="Quinn")
    active = factories.active_case(cm, given_name="Lena", family_name="Ortiz", mrn="MRN-LO-1")
    first_plan_seed(actor=factories.actor(cm), case=active, case_manager=cm, now=clock.now())
    for title in ("Call the pharmacy", "Book the follow-up visit"):
        work_item_create(
            actor=factories.actor(cm),
            case=active,
            title=title,
            kind="administrative",
            owner=cm,
            due_at=clock.now() + timedelta(days=1),
        )
    cm.set_password(PASSWORD)
    cm.save()
    c, page = checked, checked.page

    c.sign_in(cm.username)
    heading(page, "Worklist")
    page.get_by_role("link", name="Nora Quinn").first.click()
    heading(page, "Nora Quinn")
    page.get_by_role("link", name="Record the notices given together").click()
    heading(page, "Record the enrollment notices given")
    c.check()
    page.get_by_role("button", name="Record notices").click()
    expect(page.locator("#error-summary")).to_be_focused()
    c.check()
    page.get_by_label("How it was given").select_option("in_person")
    page.get_by_label("Given on").fill(factories.typed_time(clock.now() - timedelta(hours=1)))
    tick(page, "Acknowledged in writing")
    page.get_by_role("button", name="Record notices").click()
    heading(page, "Nora Quinn")
    c.check()
    assert sorted(Notice.objects.filter(case=referred).values_list("kind", flat=True)) == [
        "complaint_process",
        "privacy_practices",
        "program_purpose",
    ]
    page.get_by_role("button", name="Sign out").click()

    page.set_viewport_size({"width": 390, "height": 900})
    sign_in(c, cm.username)
    heading(page, "Worklist")
    expect(page.get_by_role("button", name="Complete").first).to_be_visible()
    fits(page, 390)
    c.check()
    page.get_by_role("link", name="Call the pharmacy").first.click()
    heading(page, "Lena Ortiz")
    complete = page.get_by_role("button", name="Complete Book the follow-up visit")
    expect(complete).to_be_visible()
    fits(page, 390)
    c.check()
    complete.click()
    expect(page.get_by_role("status").filter(has_text="Book the follow-up visit")).to_contain_text(
        "Completed"
    )
    fits(page, 390)
    c.check()
    page.get_by_role("link", name="Open the plan of care").click()
    heading(page, "Plan of care")
    fits(page, 390)
    c.check()
    page.get_by_role("link", name="Change goal status").click()
    heading(page, "Change a goal's status")
    fits(page, 390)
    c.check()
