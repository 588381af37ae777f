"""Load the instrument files shipped with this release (later releases add versions
with `casework load_instruments`, which this migration's logic mirrors)."""

import json
from datetime import UTC, datetime
from pathlib import Path

from django.db import migrations

FILES = ["ahc_hrsn", "cm_comprehensive", "gad7", "hvs", "phq2", "phq9"]


def load(apps, schema_editor):
    Instrument = apps.get_model("assessments", "Instrument")
    directory = Path(__file__).resolve().parent.parent / "instruments"
    for name in FILES:
        definition = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
        Instrument.objects.get_or_create(
            code=definition["code"],
            version=str(definition["version"]),
            defaults={
                "title": definition["title"],
                "source": definition["source"],
                "definition": definition,
                "is_current": True,
                "loaded_at": datetime.now(tz=UTC),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
