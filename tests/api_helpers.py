"""Helpers for the API tests: authenticated clients, the route list, DB snapshots."""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from allauth.mfa.models import Authenticator
from django.db import connection
from django.test import Client

from casework.api import api
from casework.assessments.models import AssessmentResponse, Need
from casework.careplans.models import (
    CarePlan,
    CarePlanVersion,
    GoalProgress,
    InformedChoice,
    PlanAgreement,
    PlanGoal,
)
from casework.cases.models import Case, CaseAssignment, Consent, Notice, Referral
from casework.complaints.models import Complaint, ComplaintNote
from casework.consumers.models import (
    AdvanceDirective,
    Consumer,
    SupportPerson,
    SupportRecordRevision,
)
from casework.coordination.models import CareTeamMember, Communication, Note, WorkItem
from casework.core.models import AuditEvent, Deadline
from casework.core.tokens import token_issue
from casework.governance.models import (
    AccessRequest,
    ComplianceRequirement,
    DestructionCertificate,
    Disclosure,
    LegalHold,
    RetentionRule,
)
from casework.protections.models import (
    AbuseReport,
    EthicsConsultation,
    Incident,
    JurisdictionRule,
    ProtectionSettings,
)
from casework.staff.models import (
    AttestationDocument,
    AttestationSignature,
    CaseloadGuideline,
    ClinicalConsultation,
    ContinuingEducation,
    CorrectiveAction,
    Course,
    Credential,
    JobDescription,
    MfaReset,
    StaffProfile,
    TrainingAssignment,
    TrainingCompletion,
    User,
    Verification,
)

PREFIX = "/api/v1"
# Routes anyone may fetch without signing in: the API description only, no data (S2).
# The root is Ninja's marker view: always 404.
PUBLIC_ROUTES = {
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/docs"),
    ("GET", "/api/v1/"),
}

from casework.stays.models import (  # noqa: E402
    AdtMessage,
    AdvisorReferral,
    Stay,
    StayAppeal,
    StayAuthorization,
    StayDenial,
    StayReview,
    StayStatusChange,
    UnitAssignment,
)
from casework.transitions.models import (  # noqa: E402
    ChoiceList,
    CommunityReferral,
    EducationRecord,
    FollowUpAttempt,
    Handoff,
    Placement,
    ProviderChoice,
    Readmission,
    ReceiverCredential,
    ReferralStatusChange,
    SequencingBarrier,
    SequencingEscalation,
    SequencingLevel,
    TransitionPlan,
    TransitionPlanVersion,
)

SNAPSHOT_MODELS = [
    Consumer,
    SupportPerson,
    AdvanceDirective,
    SupportRecordRevision,
    Referral,
    Case,
    CaseAssignment,
    Notice,
    Consent,
    WorkItem,
    Communication,
    Note,
    Deadline,
    CareTeamMember,
    Complaint,
    ComplaintNote,
    AbuseReport,
    Incident,
    EthicsConsultation,
    JurisdictionRule,
    ProtectionSettings,
    AssessmentResponse,
    Need,
    CarePlan,
    CarePlanVersion,
    PlanGoal,
    PlanAgreement,
    InformedChoice,
    GoalProgress,
    Stay,
    StayStatusChange,
    UnitAssignment,
    AdtMessage,
    StayReview,
    AdvisorReferral,
    StayAuthorization,
    StayDenial,
    StayAppeal,
    TransitionPlan,
    TransitionPlanVersion,
    ChoiceList,
    ProviderChoice,
    Placement,
    Handoff,
    FollowUpAttempt,
    Readmission,
    CommunityReferral,
    ReferralStatusChange,
    EducationRecord,
    ReceiverCredential,
    SequencingBarrier,
    SequencingEscalation,
    SequencingLevel,
    # Staff governance records (not consumer data, but changes are governance).
    StaffProfile,
    JobDescription,
    Credential,
    Verification,
    ContinuingEducation,
    CorrectiveAction,
    Course,
    TrainingAssignment,
    TrainingCompletion,
    AttestationDocument,
    AttestationSignature,
    ClinicalConsultation,
    CaseloadGuideline,
    MfaReset,
    Authenticator,  # second sign-in factors (allauth.mfa): an MFA reset removes them
    # Records governance (N4, N6, S28, S29, S42).
    RetentionRule,
    LegalHold,
    DestructionCertificate,
    Disclosure,
    AccessRequest,
    ComplianceRequirement,
]


def api_routes() -> set[tuple[str, str]]:
    """Every (method, path template) the API serves, from Ninja's routers."""
    routes = set()
    for bound in api._get_bound_routers():
        for path, view in bound.path_operations.items():
            full = PREFIX + "/" + (bound.prefix.strip("/") + path).lstrip("/")
            full = re.sub(r"/+", "/", full)
            for operation in view.operations:
                for method in operation.methods:
                    routes.add((method, full))
    return routes


def token_client(user: User) -> Client:
    """A client that authenticates with a fresh bearer token of `user`."""
    _, raw = token_issue(user=user, name="test client")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


# A body holding this key is sent as multipart/form-data, with a file made fresh for each
# call from its (field, file name, bytes).
FILE_FIELD = "__file__"


def call(client: Client, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    if method == "GET":
        return client.get(path)
    if body is not None and FILE_FIELD in body:
        from django.core.files.uploadedfile import SimpleUploadedFile

        field, name, data = body[FILE_FIELD]
        fields = {k: v for k, v in body.items() if k != FILE_FIELD}
        return client.post(path, {**fields, field: SimpleUploadedFile(name, data)})
    return client.generic(method, path, data=_json(body or {}), content_type="application/json")


def _json(body: dict[str, Any]) -> str:
    import json

    return json.dumps(body, default=str)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def _select_all(model: Any) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    return f"SELECT * FROM {table} ORDER BY {connection.ops.quote_name(model._meta.pk.column)}"


_SNAPSHOT_QUERIES = [(model.__name__, _select_all(model)) for model in SNAPSHOT_MODELS]


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every consumer-data table: compare before and after a refused call.

    Each row as the database driver returns it, keyed by column (no ORM: building model
    values for ~90 tables made this the largest cost of the refused-call tests)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    with connection.cursor() as cursor:
        for name, sql in _SNAPSHOT_QUERIES:
            cursor.execute(sql)
            columns = [column[0] for column in cursor.description]
            rows[name] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return rows


def last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


SESSION_ACTIONS = ("login", "logout", "login_failed")


def events_since(event_id: int) -> list[AuditEvent]:
    """Audit events after `event_id`, leaving out the sign-in the test client made."""
    return list(
        AuditEvent.objects.filter(pk__gt=event_id)
        .exclude(action__in=SESSION_ACTIONS)
        .order_by("pk")
    )


def assert_form_refused(client: Client, url: str, form: dict[str, Any], message: str) -> None:
    """POSTing `form` to the form page `url` shows it again (200) with `message`, and
    writes nothing: no row changes and no audit event."""
    before, since = snapshot(), last_event_id()

    refused = client.post(url, form)

    assert refused.status_code == 200
    assert message in refused.content.decode()
    assert snapshot() == before
    assert events_since(since) == []


def fill(template: str, params: dict[str, int]) -> str:
    return template.format(**params)


def routes_iter() -> Iterator[tuple[str, str]]:
    yield from sorted(api_routes())


def session_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@contextmanager
def snapshot_on_first_write() -> Iterator[Callable[[], None]]:
    """The `snapshot()` comparison, paid for only when the block writes to a snapshot table.

    The snapshot before the block is taken just before the first INSERT, UPDATE or DELETE
    of a table in SNAPSHOT_MODELS runs (so it is the state before the block); a block that
    never writes to them cannot have changed them, and needs no snapshot at all. Yields
    the check to call after the block."""
    tables = tuple(f'"{model._meta.db_table}"' for model in SNAPSHOT_MODELS)
    state: dict[str, Any] = {"before": None, "busy": False}

    def before_write(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if (
            state["before"] is None
            and not state["busy"]
            and sql.lstrip()[:7].upper().startswith(_WRITES)
            and any(table in sql for table in tables)
        ):
            state["busy"] = True
            try:
                state["before"] = snapshot()
            finally:
                state["busy"] = False
        return execute(sql, params, many, context)

    def check() -> None:
        if state["before"] is not None:
            assert snapshot() == state["before"]

    with connection.execute_wrapper(before_write):
        yield check


def refused(client: Client, method: str, path: str, body: dict[str, Any] | None) -> Any:
    """Call and assert that nothing changed and nothing was audited; return the response."""
    since = last_event_id()
    with snapshot_on_first_write() as unchanged:
        response = call(client, method, path, body)
    try:
        unchanged()
    except AssertionError as changed:
        raise AssertionError(response.content) from changed
    assert events_since(since) == [], response.content
    return response


def first_error(response: Any) -> tuple[list[str | int], str]:
    error = response.json()["detail"][0]
    return error["loc"], error["msg"]
