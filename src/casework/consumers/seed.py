"""Demo seed of this context (composed by `casework.demo`): consumers' details and
their support systems, through the consumers services."""

from datetime import date

from casework.consumers import services
from casework.consumers.models import Consumer, SupportPerson
from casework.consumers.services import ConsumerFields
from casework.core.actor import Actor

GIVEN = [
    "Ana", "Ben", "Carmen", "Dev", "Elena", "Frank", "Grace", "Hector", "Irene", "Jamal",
    "Keiko", "Luis", "Maya", "Nate", "Olga", "Pablo", "Quinn", "Rosa", "Sam", "Tomas",
    "Uma", "Victor", "Wendy", "Ximena", "Yusuf",
]  # fmt: skip
FAMILY = [
    "Acosta", "Brooks", "Castillo", "Dunn", "Espinoza", "Fischer", "Garza", "Holt",
    "Ibarra", "Jensen", "Kowalski", "Lopez", "Murphy", "Nguyen", "Ortega", "Price",
    "Quintero", "Reyes", "Stone", "Trujillo", "Underwood", "Vega", "Walsh", "Young", "Zamora",
]  # fmt: skip


def consumer_fields_seed(i: int) -> ConsumerFields:
    """The `i`th demo consumer's details (every fifth prefers Spanish, with an interpreter)."""
    spanish = i % 5 == 0
    return {
        "given_name": GIVEN[i % len(GIVEN)],
        "family_name": FAMILY[(i * 7) % len(FAMILY)],
        "birth_date": date(1938 + i % 50, 1 + i % 12, 1 + i % 28),
        "sex": ("female", "male")[i % 2],
        "mrn": f"DEMO{i:05d}",
        "member_id": f"M{900000 + i}",
        "preferred_language": "es" if spanish else "en",
        "interpreter_needed": spanish,
        "phone": f"555-01{i:02d}",
        "address": f"{100 + i} Main Street, Springfield",
    }


def support_system_seed(*, actor: Actor, consumer_id: int, i: int) -> SupportPerson | None:
    """Support persons and advance directives for the `i`th consumer; returns the legal
    decision maker when there is one (every seventh consumer, from the fourth)."""
    consumer = Consumer.objects.get(pk=consumer_id)
    surrogate = None
    if i % 7 == 3:
        surrogate = services.support_person_create(
            actor=actor,
            consumer=consumer,
            name=f"{GIVEN[(i + 5) % len(GIVEN)]} {consumer.family_name}",
            relationship="child" if i % 2 else "guardian",
            phone="555-0199",
            is_legal_decision_maker=True,
            has_power_of_attorney=True,
            is_emergency_contact=True,
        )
    elif i % 2 == 0:
        services.support_person_create(
            actor=actor,
            consumer=consumer,
            name=f"{GIVEN[(i + 3) % len(GIVEN)]} {FAMILY[(i + 1) % len(FAMILY)]}",
            relationship=("spouse", "friend", "sibling")[i % 3],
            phone="555-0142",
            is_emergency_contact=True,
        )
    if i % 4 == 0:
        services.advance_directive_create(
            actor=actor,
            consumer=consumer,
            kind=("health_care_poa", "polst", "living_will")[i % 3],
            document_date=date(2020 + i % 5, 3, 15),
            location="Copy in the consumer's kitchen drawer; scanned to the EHR.",
        )
    return surrogate
