"""The admin: every model registered; audit rows cannot be added, changed or deleted (S23);
consumer data viewed in the admin is audited (S20); privilege changes are audited (S21)."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from casework.core.audit import audit_record, audit_seal, audit_verify
from casework.core.models import AuditAction, AuditEvent, AuditSeal
from casework.core.roles import Role
from casework.staff.models import User
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

AUDIT_MODELS = ["auditevent", "auditseal"]


@pytest.fixture
def admin_client(world: World) -> Client:
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client = Client()
    client.force_login(world.admin)
    return client


@pytest.fixture
def sealed_event() -> AuditEvent:
    event = audit_record(actor=None, username="x", action=AuditAction.READ, object_id=1)
    audit_seal()
    return event


def test_every_casework_model_is_registered() -> None:
    models = [m for m in apps.get_models() if m.__module__.startswith("casework.")]
    missing = [m.__name__ for m in models if not admin.site.is_registered(m)]
    assert missing == []


@pytest.mark.parametrize("model", AUDIT_MODELS)
def test_audit_changelist_is_viewable(
    admin_client: Client, sealed_event: AuditEvent, model: str
) -> None:
    response = admin_client.get(reverse(f"admin:core_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", AUDIT_MODELS)
def test_audit_add_is_forbidden(admin_client: Client, model: str) -> None:
    before = AuditEvent.objects.count()
    assert admin_client.get(reverse(f"admin:core_{model}_add")).status_code == 403
    assert admin_client.post(reverse(f"admin:core_{model}_add"), {}).status_code == 403
    assert AuditEvent.objects.count() == before


def _pk(model: str, event: AuditEvent) -> int:
    return event.pk if model == "auditevent" else AuditSeal.objects.get(event=event).seq


@pytest.mark.parametrize("model", AUDIT_MODELS)
def test_audit_change_post_is_forbidden(
    admin_client: Client, sealed_event: AuditEvent, model: str
) -> None:
    url = reverse(f"admin:core_{model}_change", args=[_pk(model, sealed_event)])
    assert admin_client.get(url).status_code == 200  # view only
    response = admin_client.post(url, {"object_id": "changed", "mac": "0" * 64})
    assert response.status_code == 403
    assert audit_verify().ok
    assert AuditEvent.objects.get(pk=sealed_event.pk).object_id == "1"


@pytest.mark.parametrize("model", AUDIT_MODELS)
def test_audit_delete_is_forbidden(
    admin_client: Client, sealed_event: AuditEvent, model: str
) -> None:
    seals = AuditSeal.objects.count()
    url = reverse(f"admin:core_{model}_delete", args=[_pk(model, sealed_event)])
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=sealed_event.pk).exists()
    assert AuditSeal.objects.count() == seals


@pytest.mark.parametrize("model", AUDIT_MODELS)
def test_audit_bulk_delete_action_is_unavailable(
    admin_client: Client, sealed_event: AuditEvent, model: str
) -> None:
    seals = AuditSeal.objects.count()
    url = reverse(f"admin:core_{model}_changelist")
    response = admin_client.post(
        url,
        {
            "action": "delete_selected",
            "_selected_action": [_pk(model, sealed_event)],
            "post": "yes",
        },
    )
    assert response.status_code in (200, 302)
    assert AuditEvent.objects.filter(pk=sealed_event.pk).exists()
    assert AuditSeal.objects.count() == seals
    assert audit_verify().ok


def test_consumer_data_is_read_only_in_the_admin(admin_client: Client, world: World) -> None:
    case = factories.referred_case(world.cm)
    url = reverse("admin:cases_case_change", args=[case.pk])
    response = admin_client.post(url, {"state": "closed"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == "referred"
    assert admin_client.get(reverse("admin:cases_case_delete", args=[case.pk])).status_code == 403


def test_viewing_a_case_in_the_admin_is_audited(admin_client: Client, world: World) -> None:
    case = factories.referred_case(world.cm)
    before = AuditEvent.objects.count()
    assert admin_client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 200
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None
    assert (event.action, event.actor_id, event.consumer_id, event.object_id) == (
        "read",
        world.admin.pk,
        case.consumer_id,
        str(case.pk),
    )


def test_listing_consumers_in_the_admin_is_audited(admin_client: Client, world: World) -> None:
    factories.referred_case(world.cm)
    before = AuditEvent.objects.count()
    response = admin_client.get(reverse("admin:consumers_consumer_changelist"))
    assert response.status_code == 200
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.order_by("-id").values_list("action", flat=True)[0] == "list"


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
    [m for m in apps.get_models() if m.__module__.startswith("casework.")],
    ids=lambda m: m._meta.label_lower,
)
def test_every_changelist_renders(admin_client: Client, world: World, model: type) -> None:
    factories.active_case(world.cm)
    meta = model._meta  # type: ignore[attr-defined]
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    assert admin_client.get(url).status_code == 200
