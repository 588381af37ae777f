"""Denial prevention education (H4): denials of one reason category for one attending or
unit reaching the threshold within the window open exactly one education item, owned by
the program's physician advisor, with a deadline row on the owner's worklist; marked done
with a note."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from casework.core import clock
from casework.core.deadlines import deadline_worklist
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import Deadline, DeadlineState
from casework.stays.models import Stay
from casework.stays.payers import education
from casework.stays.payers.models import DenialEducation, EducationState, EducationTarget
from tests import factories
from tests.api_helpers import call, events_since, last_event_id, snapshot, token_client
from tests.stays.test_denial_report import _deny, _placed, payers  # noqa: F401
from tests.stays.test_payers import NEW_YORK

pytestmark = pytest.mark.django_db

CAT = "criteria_not_met"


def _today():
    return clock.now().astimezone(NEW_YORK).date()


def _n_denials(world, stay, n, category=CAT):
    return [_deny(world, stay, category, _today(), days=1) for _ in range(n)]


@override_settings(CASEWORK_STAYS_DENIAL_EDUCATION_COUNT=3)
def test_threshold_two_none_three_one_four_still_one(world, payers):  # noqa: F811
    stay = _placed(world, "4N", "Dr. House")
    _n_denials(world, stay, 2)
    assert DenialEducation.objects.count() == 0
    third = _deny(world, stay, CAT, _today(), days=1)
    items = DenialEducation.objects.order_by("target_kind")
    assert [(i.target_kind, i.target, i.denial_count) for i in items] == [
        (EducationTarget.ATTENDING, "attending:Dr. House", 3),
        (EducationTarget.UNIT, f"unit:{stay.unit_id}", 3),
    ]
    unit_item = items[1]
    assert unit_item.owner == world.physician
    assert unit_item.window_end == _today()
    assert unit_item.window_start == _today()
    assert third.pk in set(unit_item.denials.values_list("pk", flat=True))
    row = Deadline.objects.get(kind="stay_denial_education", subject_id=unit_item.pk)
    assert (row.owner_id, row.consumer_id, row.state) == (
        world.physician.pk,
        None,
        DeadlineState.OPEN,
    )
    _deny(world, stay, CAT, _today(), days=1)
    assert DenialEducation.objects.count() == 2
    assert sorted(DenialEducation.objects.values_list("denial_count", flat=True)) == [4, 4]
    assert Deadline.objects.filter(kind="stay_denial_education").count() == 2


def test_per_unit_and_per_physician_counted_apart(world, payers):  # noqa: F811
    a = _placed(world, "4N", "Dr. House")
    b = _placed(world, "4N", "Dr. Grey")
    c = _placed(world, "5S", "Dr. House")
    _deny(world, a, CAT, _today(), days=1)
    _deny(world, b, CAT, _today(), days=1)
    _deny(world, c, CAT, _today(), days=1)
    # Unit 4N: 2 denials; Dr. House: 2; no item yet.
    assert DenialEducation.objects.count() == 0
    _deny(world, b, CAT, _today(), days=1)
    assert list(DenialEducation.objects.values_list("target", "denial_count")) == [
        (f"unit:{a.unit_id}", 3)
    ]
    _deny(world, c, CAT, _today(), days=1)
    assert sorted(DenialEducation.objects.values_list("target", "denial_count")) == [
        ("attending:Dr. House", 3),
        (f"unit:{a.unit_id}", 3),
    ]


def test_other_category_does_not_count(world, payers):  # noqa: F811
    stay = _placed(world, "4N", "Dr. House")
    _n_denials(world, stay, 2)
    _deny(world, stay, "documentation", _today(), days=1)
    assert DenialEducation.objects.count() == 0


def test_window_edge_day_90_in_day_91_out(world, payers):  # noqa: F811
    stay = _placed(world, "4N", "")
    Stay.objects.filter(pk=stay.pk).update(admitted_at=clock.now() - timedelta(days=120))
    stay.refresh_from_db()
    today = _today()
    _deny(world, stay, CAT, today - timedelta(days=90), days=1)  # day 91: out
    _deny(world, stay, CAT, today - timedelta(days=1), days=1)
    _deny(world, stay, CAT, today, days=1)
    assert DenialEducation.objects.count() == 0
    _deny(world, stay, CAT, today - timedelta(days=89), days=1)  # day 90: in
    # The newest received date anchors the window: that denial is day 1 of its own.
    assert DenialEducation.objects.count() == 0
    _deny(world, stay, CAT, today, days=1)
    item = DenialEducation.objects.get()
    assert item.denial_count == 4
    assert item.window_start == today - timedelta(days=89)


def test_checked_twice_opens_one(world, payers):  # noqa: F811
    stay = _placed(world, "4N", "")
    denials = _n_denials(world, stay, 3)
    assert DenialEducation.objects.count() == 1
    again = education.education_check(denial=denials[-1])
    assert len(again) == 1
    item = DenialEducation.objects.get()
    assert item.denial_count == 3
    assert Deadline.objects.filter(kind="stay_denial_education").count() == 1


def test_done_with_note_finishes_the_deadline_and_audits_once(world, payers):  # noqa: F811
    stay = _placed(world, "4N", "")
    for _ in range(3):
        _deny(world, stay, CAT, _today() - timedelta(days=5), days=1)
    item = DenialEducation.objects.get()
    since = last_event_id()
    done = education.education_done(
        actor=factories.actor(world.physician),
        item=item,
        version=item.version,
        note="Talked documentation through with 4N",
    )
    assert (done.state, done.done_by, done.note) == (
        EducationState.DONE,
        world.physician,
        "Talked documentation through with 4N",
    )
    assert Deadline.objects.get(subject_id=item.pk, kind="stay_denial_education").state == (
        DeadlineState.MET
    )
    events = events_since(since)
    assert [(e.action, e.object_type, e.object_id) for e in events] == [
        ("update", "stay_denial_education", str(item.pk))
    ]
    # After done, only denials no item counted count: a new item at the threshold again.
    _n_denials(world, stay, 2)
    assert DenialEducation.objects.filter(state=EducationState.OPEN).count() == 0
    _deny(world, stay, CAT, _today(), days=1)
    again = DenialEducation.objects.get(state=EducationState.OPEN)
    assert (again.denial_count, again.window_start) == (3, _today())


def test_done_refused_changes_nothing(world, payers):  # noqa: F811
    stay = _placed(world, "4N", "")
    _n_denials(world, stay, 3)
    item = DenialEducation.objects.get()
    since = last_event_id()
    with pytest.raises(ValidationFailed):
        education.education_done(
            actor=factories.actor(world.physician), item=item, version=item.version, note=" "
        )
    education.education_done(
        actor=factories.actor(world.physician), item=item, version=item.version, note="done"
    )
    item.refresh_from_db()
    with pytest.raises(RuleViolation):
        education.education_done(
            actor=factories.actor(world.physician), item=item, version=item.version, note="x"
        )
    item.refresh_from_db()
    assert (item.note, item.version) == ("done", 2)
    assert len(events_since(since)) == 1


def _opened(world):
    stay = _placed(world, "4N", "")
    _n_denials(world, stay, 3)
    return DenialEducation.objects.get()


def test_pages_list_and_mark_done(world, payers):  # noqa: F811
    item = _opened(world)
    client = Client()
    client.force_login(world.physician)
    report = client.get(reverse("denial_report"))
    assert reverse("denial_education_list").encode() in report.content
    since = last_event_id()
    page = client.get(reverse("denial_education_list"))
    assert page.status_code == 200
    assert reverse("denial_education_page", args=[item.pk]).encode() in page.content
    assert [(e.action, e.object_type) for e in events_since(since)] == [
        ("list", "stay_denial_education")
    ]
    since = last_event_id()
    bad = client.post(
        reverse("denial_education_page", args=[item.pk]), {"version": item.version, "note": ""}
    )
    assert bad.status_code == 200
    item.refresh_from_db()
    assert (item.state, item.version) == (EducationState.OPEN, 1)
    assert events_since(since) == []
    done = client.post(
        reverse("denial_education_page", args=[item.pk]),
        {"version": item.version, "note": "Met the 4N charge nurses"},
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.note, item.done_by) == (
        EducationState.DONE,
        "Met the 4N charge nurses",
        world.physician,
    )


def test_a_case_manager_gets_404_and_nothing_changes(world, payers):  # noqa: F811
    item = _opened(world)
    client = Client()
    client.force_login(world.cm)
    before, since = snapshot(), last_event_id()
    response = client.post(
        reverse("denial_education_page", args=[item.pk]), {"version": 1, "note": "x"}
    )
    assert response.status_code == 404
    assert [(e.outcome, e.consumer_id) for e in events_since(since)] == [("denied", None)]
    assert snapshot() == before
    item.refresh_from_db()
    assert item.state == EducationState.OPEN


def test_api_list_and_done(world, payers):  # noqa: F811
    item = _opened(world)
    api = token_client(world.physician)
    listed = call(api, "GET", "/api/v1/denials/education")
    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 1
    assert body["items"][0]["denial_count"] == 3
    assert len(body["items"][0]["denial_ids"]) == 3
    empty = call(api, "POST", f"/api/v1/denials/education/{item.pk}", {"version": 1, "note": ""})
    assert empty.status_code == 422
    ok = call(api, "POST", f"/api/v1/denials/education/{item.pk}", {"version": 1, "note": "Done"})
    assert ok.status_code == 200
    assert (ok.json()["state"], ok.json()["version"]) == ("done", 2)
    again = call(api, "POST", f"/api/v1/denials/education/{item.pk}", {"version": 2, "note": "x"})
    assert again.status_code == 409
    item.refresh_from_db()
    assert (item.note, item.version) == ("Done", 2)


def test_the_owner_worklist_links_to_the_item(world, payers):  # noqa: F811
    item = _opened(world)
    rows = deadline_worklist(
        owner_ids=[world.physician.pk], due_before=clock.now() + timedelta(days=31)
    )
    assert [(r["kind"], r["url"]) for r in rows if r["kind"] == "stay_denial_education"] == [
        ("stay_denial_education", reverse("denial_education_page", args=[item.pk]))
    ]
