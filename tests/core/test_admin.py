"""The admin shows no consumer data (S3, S8, S20): no registered model reaches a consumer
by any foreign-key path or names one; every other model is registered; privilege
changes and passwords set by an administrator are audited (S21)."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from casework.consumers.models import Consumer
from casework.core.models import AuditEvent
from casework.core.roles import Role
from casework.staff.models import User
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world: World) -> Client:
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client = Client()
    client.force_login(world.admin)
    return client


def _reaches_consumer(model: type[Model], seen: frozenset[type[Model]] = frozenset()) -> bool:
    """Whether `model` holds consumer data: it is the consumer, names one in a column, or
    reaches one by a chain of foreign keys (many-to-one, one-to-one, many-to-many)."""
    if model is Consumer:
        return True
    for field in model._meta.get_fields():
        if field.name in ("consumer", "consumer_id"):
            return True
        related = getattr(field, "related_model", None)
        forward = field.concrete or field.many_to_many
        if (
            forward
            and isinstance(related, type)
            and related not in seen
            and related is not model
            and (field.many_to_one or field.one_to_one or field.many_to_many)
            and _reaches_consumer(related, seen | {model})
        ):
            return True
    return False


CASEWORK_MODELS = [m for m in apps.get_models() if m.__module__.startswith("casework.")]
CONSUMER_DATA = [m for m in CASEWORK_MODELS if _reaches_consumer(m)]
REGISTERED = list(admin.site._registry)


def test_the_consumer_data_check_finds_the_records_below_a_case() -> None:
    names = {m._meta.label for m in CONSUMER_DATA}
    assert {
        "consumers.Consumer",
        "cases.Case",
        "coordination.Note",
        "assessments.AssessmentResponse",
        "careplans.PlanGoal",
        "staff.AssignmentOverride",
        "core.AuditEvent",
        "core.Deadline",
    } <= names
    assert not {"staff.User", "core.Program", "core.Team", "staff.Credential"} & names


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_no_model_in_the_admin_holds_consumer_data(model: type[Model]) -> None:
    assert not _reaches_consumer(model), f"{model._meta.label} reaches a consumer"


def test_every_other_casework_model_is_in_the_admin() -> None:
    missing = [
        m.__name__
        for m in CASEWORK_MODELS
        if m not in CONSUMER_DATA and not admin.site.is_registered(m)
    ]
    assert missing == []


CONSUMER_PAGES = [
    ("consumers", "consumer"),
    ("cases", "case"),
    ("coordination", "note"),
    ("assessments", "assessmentresponse"),
    ("careplans", "careplanversion"),
    ("core", "auditevent"),
]


def _last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.parametrize(("app", "model"), CONSUMER_PAGES)
def test_an_administrator_finds_no_consumer_data_in_the_admin(
    admin_client: Client, world: World, app: str, model: str
) -> None:
    case = factories.active_case(world.cm)
    factories.assessment(world.cm, case)
    since = _last_event()

    listing = admin_client.get(f"/admin/{app}/{model}/")
    record = admin_client.get(f"/admin/{app}/{model}/1/change/")
    index = admin_client.get("/admin/")

    assert (listing.status_code, record.status_code, index.status_code) == (404, 404, 200)
    shown = index.content.decode()
    assert case.consumer.family_name not in shown
    assert f"/admin/{app}/{model}/" not in shown
    assert not AuditEvent.objects.filter(pk__gt=since, consumer_id__isnull=False).exists()


def test_a_password_set_in_the_admin_is_one_audited_event(
    admin_client: Client, world: World
) -> None:
    since = _last_event()
    url = reverse("admin:auth_user_password_change", args=[world.cm.pk])

    response = admin_client.post(
        url,
        {"password1": "a long new pass phrase 42", "password2": "a long new pass phrase 42"},
    )

    assert response.status_code == 302, response.content[:2000]
    assert User.objects.get(pk=world.cm.pk).check_password("a long new pass phrase 42")
    events = list(AuditEvent.objects.filter(pk__gt=since).exclude(action="login"))
    assert [(e.action, e.actor_id, e.object_type, e.object_id, e.detail) for e in events] == [
        (
            "privilege",
            world.admin.pk,
            "user",
            str(world.cm.pk),
            {"target": world.cm.username, "changed": ["password"]},
        )
    ]


def test_a_refused_password_is_not_audited(admin_client: Client, world: World) -> None:
    since = _last_event()
    url = reverse("admin:auth_user_password_change", args=[world.cm.pk])

    response = admin_client.post(url, {"password1": "short", "password2": "short"})

    assert response.status_code == 200
    assert not AuditEvent.objects.filter(pk__gt=since, action="privilege").exists()


def test_role_change_in_the_admin_is_audited(admin_client: Client, world: World) -> None:
    url = reverse("admin:staff_user_change", args=[world.cm.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "role": Role.SUPERVISOR,
            "program": world.program.pk,
            "team": world.team.pk,
            "date_joined_0": world.cm.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": world.cm.date_joined.strftime("%H:%M:%S"),
            "groups": [],
            "user_permissions": [],
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    assert User.objects.get(pk=world.cm.pk).role == Role.SUPERVISOR
    event = AuditEvent.objects.get(action="privilege")
    assert event.detail["old_role"] == Role.CASE_MANAGER
    assert event.detail["new_role"] == Role.SUPERVISOR
    assert event.actor_id == world.admin.pk


@pytest.mark.parametrize(
    "model",
    [m for m in REGISTERED if m.__module__.startswith("casework.")],
    ids=lambda m: m._meta.label_lower,
)
def test_every_changelist_renders(admin_client: Client, world: World, model: type) -> None:
    factories.active_case(world.cm)
    meta = model._meta  # type: ignore[attr-defined]
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    assert admin_client.get(url).status_code == 200
