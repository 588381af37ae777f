"""The assessment summary (D1, D2): one completed instrument as a page and a PDF for the
record or a referral packet. The questions and answers are in the language the
instrument was administered in (when the instrument has it); the labels around them are
in the reader's language."""

from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from casework.assessments import rules
from casework.assessments.models import AssessmentResponse
from casework.coordination.rules import PART2_NOTICE
from casework.core.languages import language_name
from casework.core.pdf import FONT, NumberedPDF


@dataclass(frozen=True)
class AssessmentSummary:
    """Everything the summary shows about one response."""

    response_id: int
    case_id: int
    consumer: str
    title: str
    version: str
    loinc: str
    administered_at: str
    administered_by: str
    language: str
    """The language the questions and answers below are written in (a code)."""
    language_used: str
    """The language the assessment was conducted in, as a label ("Spanish")."""
    participants: str
    interpreter_used: bool
    rows: list[rules.AnswerRow]
    total_score: int | None
    band: str
    positive_findings: list[str]
    urgent: list[str]
    source: str
    part2_notice: str
    """The 42 CFR 2.32 notice when the response is a Part 2 record (S40), else empty."""


def assessment_summary(response: AssessmentResponse) -> AssessmentSummary:
    """Lay out `response` (with its case, consumer, instrument and assessor loaded)."""
    definition = response.instrument.definition
    shown = rules.localized(definition, response.language) or definition
    language = response.language if shown is not definition else "en"
    labels = rules.domain_labels(definition)
    result = response.result
    positive = [
        labels.get(code, code)
        for code, status in result.get("domains", {}).items()
        if status == rules.POSITIVE
    ]
    assessor = response.administered_by
    when = timezone.localtime(response.administered_at)
    return AssessmentSummary(
        response_id=response.pk,
        case_id=response.case_id,
        consumer=str(response.case.consumer),
        title=shown["title"],
        version=response.instrument.version,
        loinc=definition.get("loinc", ""),
        administered_at=formats.date_format(when, "DATETIME_FORMAT"),
        administered_by=assessor.get_full_name() or assessor.get_username(),
        language=language,
        language_used=language_name(response.language),
        participants=response.participants,
        interpreter_used=response.interpreter_used,
        rows=rules.answer_rows(shown, response.answers),
        total_score=response.total_score,
        band=result.get("band_label") or "",
        positive_findings=positive,
        urgent=list(result.get("urgent", [])),
        source=definition.get("source", ""),
        part2_notice=PART2_NOTICE if response.part2 else "",
    )


def summary_pdf(summary: AssessmentSummary, *, compress: bool = True) -> bytes:
    """The summary as PDF bytes (Letter, the bundled Unicode fonts of core.pdf)."""
    pdf = NumberedPDF(
        title=summary.title, language=summary.language, author=summary.administered_by
    )
    pdf.set_compression(compress)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()

    def line(text: str, *, bold: bool = False, size: int = 10, indent: float = 0) -> None:
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, 5.5 if size <= 10 else 8, text, new_x="LMARGIN", new_y="NEXT")

    line(_("Assessment summary"), bold=True, size=16)
    line(f"{summary.title} ({_('version')} {summary.version})", bold=True, size=12)
    if summary.part2_notice:
        line(_("42 CFR Part 2 record"), bold=True)
        line(summary.part2_notice, size=8)
        pdf.ln(2)
    line(f"{_('Consumer')}: {summary.consumer}")
    line(f"{_('When')}: {summary.administered_at}    {_('By')}: {summary.administered_by}")
    line(f"{_('Who took part')}: {summary.participants}")
    interpreter = _("yes") if summary.interpreter_used else _("no")
    line(f"{_('Language')}: {summary.language_used}    {_('Interpreter used')}: {interpreter}")
    pdf.ln(2)
    if summary.total_score is not None:
        line(f"{_('Score')}: {summary.total_score}  {summary.band}", bold=True)
    if summary.positive_findings:
        line(f"{_('Positive findings')}: {', '.join(summary.positive_findings)}", bold=True)
    for flag in summary.urgent:
        line(f"{_('Urgent safety flag')}: {flag}", bold=True)
    pdf.ln(2)
    for number, row in enumerate(summary.rows, 1):
        line(f"{number}. {row.text}", bold=True)
        answer = row.answer if row.answer is not None else _("Not answered")
        if row.score is not None:
            answer += f"  ({_('score')} {row.score})"
        line(answer, indent=6)
    pdf.ln(3)
    line(summary.source, size=8)
    return bytes(pdf.output())
