"""The work-item notification tasks moved from casework.core.tasks to
casework.coordination.tasks: queued task rows name their task by import path, so point
rows enqueued before the move at the new path (the worker could not import the old one)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TASKS = ("work_item_overdue_notify", "work_item_reminder_notify")
OLD, NEW = "casework.core.tasks", "casework.coordination.tasks"


def _move(apps: Apps, source: str, target: str) -> None:
    result = apps.get_model("django_tasks_database", "DBTaskResult")
    for name in TASKS:
        result.objects.filter(task_path=f"{source}.{name}").update(task_path=f"{target}.{name}")


def forward(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _move(apps, OLD, NEW)


def backward(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _move(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0003_care_team_kind"),
        ("django_tasks_database", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
