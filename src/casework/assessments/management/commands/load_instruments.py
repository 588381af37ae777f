"""`casework load_instruments`: load the instrument files shipped in the repository."""

from typing import Any

from django.core.management.base import BaseCommand

from casework.assessments.services import instruments_load


class Command(BaseCommand):
    help = "Load new instrument versions from src/casework/assessments/instruments/."

    def handle(self, *args: Any, **options: Any) -> None:
        loaded = instruments_load()
        for name in loaded:
            self.stdout.write(f"loaded {name}")
        self.stdout.write(f"{len(loaded)} instrument version(s) loaded")
