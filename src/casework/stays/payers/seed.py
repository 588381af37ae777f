"""Demo payers: the demo feed's managed payers with their types' presets (traditional
Medicare has no authorization or plan appeal: it has none)."""

from casework.core.models import Program
from casework.stays.payers.rules import PayerType
from casework.stays.payers.services import payer_settings_from_preset

DEMO_PAYERS = (
    ("Medicare Advantage Gold", PayerType.MEDICARE_ADVANTAGE),
    ("State Medicaid Plan", PayerType.MEDICAID_MANAGED_CARE),
    ("Acme Employer Health", PayerType.COMMERCIAL),
)


def payers_seed(*, program: Program) -> int:
    for name, payer_type in DEMO_PAYERS:
        payer_settings_from_preset(program=program, name=name, payer_type=payer_type)
    return len(DEMO_PAYERS)
