"""FHIR R4 output for instruments and responses: Questionnaire, QuestionnaireResponse,
and one survey Observation per LOINC-coded answer and score (SHIN-NY practice,
clinical.md §3.1: `interpretation` POS marks an answer that signals a need)."""

from typing import Any

from casework.assessments import rules
from casework.assessments.models import AssessmentResponse, Instrument
from casework.coordination.rules import fhir_part2

LOINC = "http://loinc.org"
LOCAL = "urn:casework:instrument"
TYPES = {"choice": "choice", "multi": "choice", "integer": "integer", "text": "string"}


def _system(code: str) -> str:
    return LOINC if code.startswith("LA") else LOCAL


def _coding(option: dict[str, Any]) -> dict[str, Any]:
    return {"system": _system(option["code"]), "code": option["code"], "display": option["text"]}


def instrument_url(instrument: Instrument) -> str:
    return f"{LOCAL}:{instrument.code}"


def questionnaire(instrument: Instrument) -> dict[str, Any]:
    definition = instrument.definition
    options = {
        q["id"]: {o["code"]: o for o in q.get("options", [])} for q in definition["questions"]
    }
    items = []
    for q in definition["questions"]:
        item: dict[str, Any] = {
            "linkId": q["id"],
            "text": q["text"],
            "type": TYPES[q["type"]],
            "required": bool(q.get("required", True)),
        }
        if q["type"] == "multi":
            item["repeats"] = True
        if q.get("loinc"):
            item["code"] = [{"system": LOINC, "code": q["loinc"]}]
        if q.get("options"):
            item["answerOption"] = [{"valueCoding": _coding(o)} for o in q["options"]]
        when = q.get("enable_when")
        if when:
            item["enableWhen"] = [
                {
                    "question": when["question"],
                    "operator": "=",
                    "answerCoding": _coding(options[when["question"]][code]),
                }
                for code in when["in"]
            ]
            item["enableBehavior"] = "any"
        items.append(item)
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": f"{instrument.code.replace('_', '-')}-{instrument.version}",
        "url": instrument_url(instrument),
        "version": instrument.version,
        "name": "".join(part.title() for part in instrument.code.split("_")),
        "title": instrument.title,
        "status": "active" if instrument.is_current else "retired",
        "copyright": instrument.source,
        "item": items,
    }
    if definition.get("loinc"):
        resource["code"] = [{"system": LOINC, "code": definition["loinc"]}]
    return resource


def _answers(question: dict[str, Any], answer: Any) -> list[dict[str, Any]]:
    if question["type"] in ("choice", "multi"):
        by_code = {o["code"]: o for o in question["options"]}
        codes = answer if isinstance(answer, list) else [answer]
        return [{"valueCoding": _coding(by_code[c])} for c in codes]
    if question["type"] == "integer":
        return [{"valueInteger": answer}]
    return [{"valueString": answer}]


def _part2(response: AssessmentResponse, *, notice: bool = False) -> dict[str, Any]:
    """A Part 2 record's labels (S40): `meta.security` R and 42CFRPart2 on every resource,
    and on the QuestionnaireResponse (`notice`) the 42 CFR 2.32 redisclosure notice as
    its narrative. Nothing for any other record."""
    return fhir_part2(part2=response.part2, notice=notice)


def questionnaire_response(response: AssessmentResponse) -> dict[str, Any]:
    instrument = response.instrument
    items = []
    for q in instrument.definition["questions"]:
        answer = response.answers.get(q["id"])
        if answer in (None, "", []):
            continue
        items.append({"linkId": q["id"], "text": q["text"], "answer": _answers(q, answer)})
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"response-{response.pk}",
        **_part2(response, notice=True),
        "questionnaire": f"{instrument_url(instrument)}|{instrument.version}",
        "status": "completed",
        "subject": {"reference": f"Patient/{response.case.consumer_id}"},
        "authored": response.administered_at.isoformat(),
        "author": {"display": response.administered_by.get_full_name()},
        "item": items,
    }


def _observation(
    response: AssessmentResponse, n: int, code: str, text: str, value: dict[str, Any]
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": f"response-{response.pk}-{n}",
        **_part2(response),
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "survey",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": LOINC, "code": code}], "text": text},
        "subject": {"reference": f"Patient/{response.case.consumer_id}"},
        "effectiveDateTime": response.administered_at.isoformat(),
        "derivedFrom": [{"reference": f"QuestionnaireResponse/response-{response.pk}"}],
        **value,
    }


POSITIVE = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
            "code": "POS",
            "display": "Positive",
        }
    ]
}


def observations(response: AssessmentResponse) -> list[dict[str, Any]]:
    """One Observation per answered LOINC-coded question, and the total score."""
    definition = response.instrument.definition
    positive_questions = set()
    for domain in definition.get("domains", []):
        if response.result["domains"].get(domain["code"]) != rules.POSITIVE:
            continue
        for condition in domain["rule"].get("any", []):
            answer = response.answers.get(condition["question"])
            if answer not in (None, "", []) and rules._holds(condition, answer):
                positive_questions.add(condition["question"])
    found: list[dict[str, Any]] = []
    for q in definition["questions"]:
        answer = response.answers.get(q["id"])
        if not q.get("loinc") or answer in (None, "", []):
            continue
        value: dict[str, Any]
        if q["type"] in ("choice", "multi"):
            codings = [a["valueCoding"] for a in _answers(q, answer)]
            value = {"valueCodeableConcept": {"coding": codings}}
        elif q["type"] == "integer":
            value = {"valueInteger": answer}
        else:
            value = {"valueString": answer}
        if q["id"] in positive_questions:
            value["interpretation"] = [POSITIVE]
        found.append(_observation(response, len(found) + 1, q["loinc"], q["text"], value))
    scoring = definition.get("scoring")
    if scoring and scoring.get("loinc") and response.total_score is not None:
        found.append(
            _observation(
                response,
                len(found) + 1,
                scoring["loinc"],
                "Total score",
                {"valueInteger": response.total_score},
            )
        )
    return found


def response_bundle(response: AssessmentResponse) -> dict[str, Any]:
    resources = [questionnaire_response(response), *observations(response)]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }
