"""The plan of care as a consumer document (C5, E2): print-ready HTML and PDF in the
consumer's preferred language. English and Spanish have complete catalogs for every
string here (`LABELS` and the choice labels of the plan); any other language gets
English with a visible note. PDF: fpdf2 with its core fonts (Latin-1, which covers
Spanish), so no system packages or downloaded fonts are needed."""

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from casework.careplans import rules
from casework.careplans.selectors import PlanView
from casework.cases.models import Case
from casework.coordination.rules import PART2_NOTICE
from casework.core.pdf import FONT, NumberedPDF

DOCUMENT_LANGUAGES = ("en", "es")

LABELS = {
    "title": _("Your plan of care"),
    "for": _("Prepared for"),
    "birth_date": _("Birth date"),
    "record_number": _("Record number"),
    "program": _("Program"),
    "version": _("Plan version"),
    "date": _("Date"),
    "problems": _("What we are working on"),
    "priority": _("Priority"),
    "your_priority": _("Your priority"),
    "goal": _("Goal"),
    "target": _("Target"),
    "target_value": _("Target value"),
    "outcome": _("Observable outcome"),
    "by": _("By"),
    "status": _("Status"),
    "steps": _("Steps"),
    "who": _("Who"),
    "due": _("Due"),
    "barriers": _("What may get in the way"),
    "guideline": _("Guideline"),
    "agreement": _("Your agreement"),
    "agreed": _("Agreed by"),
    "participants": _("Who took part"),
    "no_agreement": _("Agreement not yet recorded."),
    "choices": _("Choices we discussed"),
    "benefits": _("Benefits"),
    "risks": _("Risks"),
    "costs": _("Costs"),
    "alternatives": _("Alternatives, including no treatment"),
    "choice": _("Your choice"),
    "contact": _("Questions or concerns"),
    "case_manager": _("Your case manager"),
    "complaints": _("How to make a complaint"),
    "part2": _("42 CFR Part 2 record"),
}
PRIORITY = {1: _("High"), 2: _("Medium"), 3: _("Low")}


@dataclass
class PlanDocument:
    """Everything the document shows, with every label already in its language."""

    language: str
    requested_language: str
    labels: dict[str, str]
    consumer: str
    birth_date: str
    record_number: str
    program: str
    program_complaints: str
    case_manager: str
    version: int
    date: str
    problems: list[dict[str, Any]] = field(default_factory=list)
    agreements: list[dict[str, str]] = field(default_factory=list)
    choices: list[dict[str, str]] = field(default_factory=list)
    fallback_note: str = ""
    withheld: str = ""
    """What stands for the problems withheld from the reader (S40): a count, never more."""
    part2_notice: str = ""
    """The 42 CFR 2.32 notice when a problem shown is a Part 2 record (S40), else empty."""


def document_language(preferred: str) -> str:
    code = (preferred or "en").split("-")[0].lower()
    return code if code in DOCUMENT_LANGUAGES else "en"


def plan_document(case: Case, view: PlanView) -> PlanDocument:
    """Lay out the plan version in the consumer's language."""
    requested = case.consumer.preferred_language or "en"
    language = document_language(requested)
    with translation.override(language):
        labels = {k: str(v) for k, v in LABELS.items()}
        withheld = (
            rules.withheld_problems_message(len(view.withheld_problem_ids))
            if view.withheld_problem_ids
            else ""
        )
        problems = []
        for p in view.problems:
            goals = []
            for g in p.goals.all():
                goals.append(
                    {
                        "description": g.description,
                        "target_value": g.target_value,
                        "outcome": g.observable_outcome,
                        "target_date": date_format(g.target_date, "DATE_FORMAT"),
                        "status": str(g.get_status_display()),
                        "guideline": g.guideline,
                        "steps": [
                            {
                                "kind": str(i.get_kind_display()),
                                "description": i.description,
                                "who": f"{i.responsible.name} ({i.responsible.role})",
                                "due": date_format(i.due_date, "DATE_FORMAT"),
                                "status": str(i.get_status_display()),
                            }
                            for i in g.interventions.all()
                        ],
                        "barriers": [b.description for b in g.barriers.all()],
                    }
                )
            problems.append(
                {
                    "description": p.description,
                    "priority": str(PRIORITY.get(p.priority, p.priority)),
                    "consumer_priority": p.consumer_priority,
                    "part2": p.part2,
                    "goals": goals,
                }
            )
        agreements = [
            {
                "who": f"{a.agreed_by} ({a.get_role_display()})",
                "how": f"{a.get_method_display()}, "
                f"{date_format(timezone.localtime(a.agreed_at), 'DATE_FORMAT')}",
                "participants": a.participants,
            }
            for a in view.agreements
        ]
        birth_date = date_format(case.consumer.birth_date, "DATE_FORMAT")
        version_date = date_format(timezone.localtime(view.version.created_at), "DATE_FORMAT")
        note = ""
        if language != requested.split("-")[0].lower():
            note = (
                "This document is not yet available in your language; it is shown in English. "
                "Ask your case manager for an interpreter at no cost to you."
            )
    assigned = case.assigned_to
    return PlanDocument(
        language=language,
        requested_language=requested,
        labels=labels,
        consumer=str(case.consumer),
        birth_date=birth_date,
        record_number=case.consumer.mrn,
        program=case.program.name,
        program_complaints=case.program.complaint_contact,
        case_manager=(assigned.get_full_name() or assigned.username) if assigned else "",
        version=view.version.number,
        date=version_date,
        problems=problems,
        agreements=agreements,
        choices=[
            {
                "topic": c.topic,
                "benefits": c.benefits,
                "risks": c.risks,
                "costs": c.costs,
                "alternatives": c.alternatives,
                "choice": c.consumer_choice,
            }
            for c in view.informed_choices
        ],
        fallback_note=note,
        withheld=withheld,
        part2_notice=PART2_NOTICE if view.part2 else "",
    )


def plan_pdf(document: PlanDocument, *, compress: bool = True) -> bytes:
    """The document as PDF bytes (Letter, the bundled Unicode fonts of core.pdf)."""
    pdf = NumberedPDF(
        title=document.labels["title"], language=document.language, author=document.program
    )
    pdf.set_compression(compress)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    labels = document.labels

    def heading(text: str, size: int = 13) -> None:
        pdf.start_section(text, level=0 if size > 13 else 1)
        pdf.set_font(FONT, "B", size)
        pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def line(text: str, *, bold: bool = False, indent: float = 0) -> None:
        pdf.set_font(FONT, "B" if bold else "", 10)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")

    heading(labels["title"], 18)
    if document.fallback_note:
        line(document.fallback_note, bold=True)
        pdf.ln(2)
    line(f"{labels['for']}: {document.consumer}")
    line(f"{labels['birth_date']}: {document.birth_date}")
    if document.record_number:
        line(f"{labels['record_number']}: {document.record_number}")
    line(f"{labels['program']}: {document.program}")
    line(f"{labels['version']}: {document.version}    {labels['date']}: {document.date}")
    pdf.ln(3)
    heading(labels["problems"])
    if document.withheld:
        line(document.withheld)
        pdf.ln(1)
    for number, problem in enumerate(document.problems, 1):
        part2 = f" ({labels['part2']})" if problem.get("part2") else ""
        line(f"{number}. {problem['description']}{part2}", bold=True)
        priority = f"{labels['priority']}: {problem['priority']}"
        if problem["consumer_priority"]:
            priority += f"    {labels['your_priority']}: {problem['consumer_priority']}"
        line(priority, indent=4)
        for goal in problem["goals"]:
            line(f"{labels['goal']}: {goal['description']}", bold=True, indent=4)
            if goal["target_value"]:
                line(f"{labels['target_value']}: {goal['target_value']}", indent=8)
            if goal["outcome"]:
                line(f"{labels['outcome']}: {goal['outcome']}", indent=8)
            line(
                f"{labels['by']}: {goal['target_date']}    {labels['status']}: {goal['status']}",
                indent=8,
            )
            if goal["guideline"]:
                line(f"{labels['guideline']}: {goal['guideline']}", indent=8)
            if goal["steps"]:
                line(f"{labels['steps']}:", indent=8)
                for step in goal["steps"]:
                    line(
                        f"- {step['description']} ({step['kind']}). {labels['who']}: "
                        f"{step['who']}. {labels['due']}: {step['due']}. {step['status']}.",
                        indent=12,
                    )
            if goal["barriers"]:
                line(f"{labels['barriers']}:", indent=8)
                for barrier in goal["barriers"]:
                    line(f"- {barrier}", indent=12)
        pdf.ln(2)
    heading(labels["agreement"])
    if document.agreements:
        for agreement in document.agreements:
            line(f"{labels['agreed']}: {agreement['who']}, {agreement['how']}")
            line(f"{labels['participants']}: {agreement['participants']}", indent=4)
    else:
        line(labels["no_agreement"])
    if document.choices:
        pdf.ln(2)
        heading(labels["choices"])
        for choice in document.choices:
            line(choice["topic"], bold=True)
            for key in ("benefits", "risks", "costs", "alternatives", "choice"):
                line(f"{labels[key]}: {choice[key]}", indent=4)
    pdf.ln(2)
    heading(labels["contact"])
    if document.case_manager:
        line(f"{labels['case_manager']}: {document.case_manager}")
    line(f"{labels['complaints']}: {document.program_complaints}")
    if document.part2_notice:
        pdf.ln(2)
        heading(labels["part2"])
        pdf.set_font(FONT, "", 8)
        pdf.multi_cell(0, 4.5, document.part2_notice, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
