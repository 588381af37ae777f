"""Medicare notice delivery and the printable notices."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditEvent, Deadline
from casework.stays import services
from casework.stays.models import Stay
from casework.stays.rules import NoticeKind, NoticeResponse, StatusSource, StayClass
from tests import factories

pytestmark = pytest.mark.usefixtures("frozen")


def make(world, stay_class=StayClass.INPATIENT, medicare=True, hours=30) -> Stay:
    from casework.core import clock

    case = factories.active_case(world.cm)
    return services.stay_create(
        program=world.program,
        consumer=factories.consumer_of(case),
        facts=services.StayFacts(
            visit_number=f"N{case.pk}",
            stay_class=stay_class,
            admitted_at=clock.now() - timedelta(hours=hours),
            medicare=medicare,
        ),
        via=services.Via(source=StatusSource.API, actor=factories.actor(world.cm)),
        drg_version="demo-v42",
    )


def deliver(world, stay, **kw):
    facts = services.NoticeFacts(
        **{"kind": NoticeKind.IM_INITIAL, "delivered_at": datetime(2026, 3, 5, 15, tzinfo=UTC),
           "response": NoticeResponse.SIGNED, "signer": "Jane Doe", **kw}
    )  # fmt: skip
    return services.notice_record(stay=stay, actor=factories.actor(world.cm), facts=facts)


def state(stay, kind) -> str:
    return Deadline.objects.get(subject_type="stay", subject_id=stay.pk, kind=kind).state


def test_a_signed_im_meets_its_clock_and_is_timely(world) -> None:
    stay = make(world)
    notice = deliver(world, stay)
    assert (notice.timely, state(stay, "stay_im_initial")) == (True, "met")


def test_a_moon_refusal_needs_the_staff_title_and_certification(world) -> None:
    stay = make(world, StayClass.OBSERVATION)
    with pytest.raises(ValidationFailed) as refused:
        deliver(world, stay, kind=NoticeKind.MOON, response=NoticeResponse.REFUSED,
                signer="", staff_name="R. Nurse", oral_explained=True)  # fmt: skip
    assert sorted(refused.value.errors) == ["certified", "staff_title"]
    notice = deliver(world, stay, kind=NoticeKind.MOON, response=NoticeResponse.REFUSED,
                     signer="", staff_name="R. Nurse", staff_title="RN", certified=True,
                     oral_explained=True)  # fmt: skip
    assert state(stay, "stay_moon") == "met" and notice.response == "refused"


def test_no_im_for_a_patient_without_medicare(world) -> None:
    with pytest.raises(RuleViolation):
        deliver(world, make(world, medicare=False))


def test_the_follow_up_is_waived_when_the_first_im_was_within_two_days(world) -> None:
    stay = make(world)
    services.stay_update(
        stay=stay,
        fields={"expected_discharge_date": datetime(2026, 3, 6).date()},
        via=services.Via(source=StatusSource.API, actor=factories.actor(world.cm)),
        drg_version="demo-v42",
    )
    assert state(stay, "stay_im_follow_up") == "open"
    deliver(world, stay)  # 2026-03-05, one day before the expected discharge
    assert state(stay, "stay_im_follow_up") == "waived"


def test_the_notice_prints_in_spanish_and_audits_one_print(world) -> None:
    stay = make(world)
    client = Client()
    client.force_login(world.cm)
    since = AuditEvent.objects.order_by("-pk").first().pk
    response = client.get(f"/stays/{stay.pk}/notices/im_initial/?lang=es")
    assert response.status_code == 200
    assert "Sus derechos como paciente hospitalizado con Medicare" in response.content.decode()
    events = AuditEvent.objects.filter(pk__gt=since).exclude(action="login")
    assert [(e.action, e.consumer_id) for e in events] == [("print", stay.consumer_id)]
