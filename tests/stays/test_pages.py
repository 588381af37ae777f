"""The review, physician advisor and ADT error queue pages."""

from datetime import timedelta

import pytest
from django.test import Client

from casework.core import clock
from casework.core.models import AuditEvent
from casework.stays import services
from casework.stays.adt import adt_receive
from casework.stays.models import AdtMessage, AdvisorReferral, Stay, StayReview, Unit
from casework.stays.rules import StatusSource, StayClass
from tests import factories
from tests.stays.messages import adt

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def north(world):
    return Unit.objects.create(program=world.program, code="4N", name="4 North")


def _stay(w, cm, unit):
    case = factories.active_case(cm)
    return services.stay_create(
        program=w.program,
        consumer=factories.consumer_of(case),
        facts=services.StayFacts(
            visit_number="V1",
            stay_class=StayClass.INPATIENT,
            admitted_at=clock.now() - timedelta(hours=30),
            unit=unit,
            payer="Acme",
            attending="Dr. House",
        ),
        via=services.Via(source=StatusSource.API, actor=factories.actor(cm)),
        drg_version="demo-v42",
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _since() -> int:
    last = AuditEvent.objects.order_by("-pk").first()
    return last.pk if last else 0


def _events(since: int) -> list[tuple[str, str, str]]:
    return [
        (e.action, e.outcome, e.object_type)
        for e in AuditEvent.objects.filter(pk__gt=since).exclude(action="login").order_by("pk")
    ]


NOT_MET = {
    "criterion_active_treatment": "not_met",
    "criterion_plan": "met",
    "criterion_no_lower_level": "met",
    "question": "Could this be observation?",
}


def test_a_continued_stay_review_not_met_goes_to_the_physician_advisor(world, north) -> None:
    stay = _stay(world, world.cm, north)
    client = client_for(world.cm)
    url = f"/stays/{stay.pk}/reviews/continued_stay/new/"
    assert client.get(url).status_code == 200
    since = _since()

    response = client.post(url, NOT_MET)

    assert response.status_code == 302
    review = StayReview.objects.get(stay=stay)
    assert (review.kind, review.outcome, review.results) == (
        "continued_stay",
        "not_met",
        {"active_treatment": False, "plan": True, "no_lower_level": True},
    )
    referral = AdvisorReferral.objects.get(stay=stay)
    assert (referral.state, referral.question) == ("open", "Could this be observation?")
    assert _events(since) == [("create", "success", "stay_review")]


def test_a_review_without_every_criterion_answered_writes_nothing(world, north) -> None:
    stay = _stay(world, world.cm, north)
    response = client_for(world.cm).post(
        f"/stays/{stay.pk}/reviews/continued_stay/new/", {"criterion_plan": "met"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["criterion_active_treatment"] == [
        "This field is required."
    ]
    assert StayReview.objects.count() == 0


def test_an_unknown_review_kind_is_404(world, north) -> None:
    stay = _stay(world, world.cm, north)
    assert client_for(world.cm).get(f"/stays/{stay.pk}/reviews/discharge/new/").status_code == 404


def test_the_advisor_decides_on_the_page(world, north) -> None:
    stay = _stay(world, world.cm, north)
    client_for(world.cm).post(f"/stays/{stay.pk}/reviews/continued_stay/new/", NOT_MET)
    physician = client_for(world.physician)
    url = f"/stays/{stay.pk}/advisor-decision/"
    assert b"Could this be observation?" in physician.get(url).content
    since = _since()

    response = physician.post(
        url,
        {
            "determination": "necessary",
            "rationale": "Still on IV antibiotics",
            "attending_view": "concurs",
            "peer_to_peer": "Talked with Dr. House at 10:00",
            "not_involved": "on",
            "no_financial_interest": "on",
        },
    )

    assert response.status_code == 302
    referral = AdvisorReferral.objects.get(stay=stay)
    assert (referral.state, referral.determination, referral.advisor_id) == (
        "decided",
        "necessary",
        world.physician.pk,
    )
    assert referral.attestations == {
        str(world.physician.pk): {"involved_in_care": False, "financial_interest": False}
    }
    assert _events(since) == [("update", "success", "advisor_referral")]


def test_an_advisor_without_the_attestations_is_refused_and_nothing_changes(world, north) -> None:
    stay = _stay(world, world.cm, north)
    client_for(world.cm).post(f"/stays/{stay.pk}/reviews/continued_stay/new/", NOT_MET)
    since = _since()

    response = client_for(world.physician).post(
        f"/stays/{stay.pk}/advisor-decision/",
        {"determination": "necessary", "rationale": "Fine", "attending_view": "concurs",
         "no_financial_interest": "on"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "professionally involved" in str(response.context["form"].non_field_errors())
    assert AdvisorReferral.objects.get(stay=stay).state == "open"
    assert _events(since) == []


def test_a_case_manager_cannot_open_the_advisor_decision(world, north) -> None:
    stay = _stay(world, world.cm, north)
    client_for(world.cm).post(f"/stays/{stay.pk}/reviews/continued_stay/new/", NOT_MET)
    assert client_for(world.cm).get(f"/stays/{stay.pk}/advisor-decision/").status_code == 404


# --- the ADT error queue -------------------------------------------------------------------


def _queued(world, **kw) -> AdtMessage:
    adt_receive(adt("A01", **kw), program=world.program)
    return AdtMessage.objects.order_by("-pk").first()


def test_the_queue_lists_errors_for_supervisors_only(world, north) -> None:
    queued = _queued(world, unit="ICU", control_id="E1")
    adt_receive(adt("A01", control_id="OK1", visit="V9", mrn="M9"), program=world.program)
    since = _since()

    response = client_for(world.supervisor).get("/adt/errors/")

    assert [m.pk for m in response.context["rows"]] == [queued.pk]
    assert _events(since) == [("list", "success", "adt_message")]
    assert client_for(world.cm).get("/adt/errors/").status_code == 404
    assert client_for(world.cm).get(f"/adt/errors/{queued.pk}/").status_code == 404


def test_a_message_is_shown_escaped(world, north) -> None:
    queued = _queued(world, unit="ICU", family="<script>alert(1)</script>")
    since = _since()

    response = client_for(world.supervisor).get(f"/adt/errors/{queued.pk}/")

    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content
    assert b"<script>alert(1)" not in response.content
    assert _events(since) == [("read", "success", "adt_message")]


def test_replay_after_the_fix_applies_the_message(world, north) -> None:
    queued = _queued(world, unit="ICU")
    Unit.objects.create(program=world.program, code="ICU", name="Intensive care")
    since = _since()

    response = client_for(world.supervisor).post(f"/adt/errors/{queued.pk}/replay/")

    assert response.status_code == 302
    queued.refresh_from_db()
    assert (queued.outcome, queued.handled_by_id) == ("replayed", world.supervisor.pk)
    stay = Stay.objects.get(pk=queued.stay_id)
    assert stay.unit.code == "ICU"
    events = list(AuditEvent.objects.filter(pk__gt=since).exclude(action="login"))
    assert [(e.action, e.object_type, e.actor_id) for e in events] == [
        ("create", "stay", world.supervisor.pk)
    ]


def test_resolve_needs_a_note_and_then_closes_the_message(world, north) -> None:
    queued = _queued(world, unit="ICU")
    client = client_for(world.supervisor)
    since = _since()

    refused = client.post(f"/adt/errors/{queued.pk}/resolve/", {"note": ""})

    assert refused.status_code == 400
    queued.refresh_from_db()
    assert queued.outcome == "error"
    assert _events(since) == []

    done = client.post(f"/adt/errors/{queued.pk}/resolve/", {"note": "Sent again as A08"})

    assert done.status_code == 302 and done["Location"] == "/adt/errors/"
    queued.refresh_from_db()
    assert (queued.outcome, queued.resolution, queued.handled_by_id) == (
        "resolved",
        "Sent again as A08",
        world.supervisor.pk,
    )
    assert _events(since) == [("update", "success", "adt_message")]
    assert client.get("/adt/errors/").context["rows"] == []


def test_a_replay_refused_again_keeps_the_message_queued_and_is_audited(world, north) -> None:
    queued = _queued(world, unit="ICU")
    since = _since()

    response = client_for(world.supervisor).post(f"/adt/errors/{queued.pk}/replay/")

    assert response.status_code == 302
    queued.refresh_from_db()
    assert (queued.outcome, queued.reason) == ("error", "no unit with code ICU")
    assert Stay.objects.filter(program=world.program).count() == 0
    assert _events(since) == [("update", "success", "adt_message")]
