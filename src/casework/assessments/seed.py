"""Demo seed of this context (composed by `casework.demo`): assessments recorded through
the assessments services."""

from casework.assessments import services
from casework.assessments.models import Instrument
from casework.cases.models import Case
from casework.core.actor import Actor

# LOINC answer codes of the PHQ-9 items, cycled so consumers score differently.
PHQ9_ANSWERS = ["LA6570-1", "LA6569-3", "LA6570-1", "LA6570-1", "LA6569-3"]


def phq9_seed(*, actor: Actor, case: Case, i: int) -> bool:
    """A PHQ-9 (moderate, no safety item). False when the instrument is not loaded (the
    instruments migration was not run)."""
    phq9 = Instrument.objects.filter(code="phq9", is_current=True).first()
    if phq9 is None:
        return False
    answers = {f"phq9_{n}": PHQ9_ANSWERS[(n + i) % len(PHQ9_ANSWERS)] for n in range(1, 9)}
    answers["phq9_9"] = "LA6568-5"
    services.assessment_record(
        actor=actor,
        case=case,
        instrument=phq9,
        answers=answers,
        participants="Consumer",
        language=case.consumer.preferred_language,
    )
    return True
