"""Load AUDIT-C version 1.1 (scored by sex, with its Spanish text) shipped in
`instruments/auditc.json`; responses to 1.0 stay frozen to it. Mirrors
`casework load_instruments`."""

import json
from datetime import UTC, datetime
from pathlib import Path

from django.db import migrations

FILES = ["auditc"]


def load(apps, schema_editor):
    Instrument = apps.get_model("assessments", "Instrument")
    directory = Path(__file__).resolve().parent.parent / "instruments"
    for name in FILES:
        definition = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
        code, version = definition["code"], str(definition["version"])
        if Instrument.objects.filter(code=code, version=version).exists():
            continue
        Instrument.objects.filter(code=code).update(is_current=False)
        Instrument.objects.create(
            code=code,
            version=version,
            title=definition["title"],
            source=definition["source"],
            definition=definition,
            is_current=True,
            loaded_at=datetime.now(tz=UTC),
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0006_load_auditc")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
