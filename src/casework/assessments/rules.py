"""The instrument engine: validation, skip logic, scoring and positive screens (D1, D2).

Pure functions over an instrument definition (the parsed JSON of a file in
`instruments/`) and a response's answers; no ORM. Answers map a question id to a
choice code (`choice`), a list of codes (`multi`), an int (`integer`) or a str (`text`).

Scoring: the total is the sum of the scores of `scoring.sum`; if any of them is
unanswered the total is None and the result is incomplete (no prorating). A domain
rule is one of
  any        a list of conditions; positive when one holds; incomplete when none holds
             and one of its questions is unanswered; negative otherwise
  sum + min  positive when every item is answered and the sum of scores >= min;
             incomplete when one is missing (AHC HRSN safety, clinical.md §3.1)
  total_min  positive when the instrument's total >= the value
  cutoff     (true) positive when the total >= the cut-off for the consumer's sex
A condition is {question, in: [codes]} (an answer among them), {question, not_in:
[codes]} (an answer outside them) or {question, at_least: n} (an integer answer).

Cut-off by sex (`scoring.cutoff`, the AUDIT-C): ``{"female": {"total_min": 3, "note":
...}, "male": {...}, "default": {...}}``. The consumer's recorded sex picks the entry, any
other value (other, unknown) the `default` (the lower cut-off); a band may say `"cutoff":
"below"` or `"cutoff": "from"` in place of min and max, and its label then says the
cut-off used (the entry's note). The result records it (`cutoff`: sex and total_min).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

POSITIVE, NEGATIVE, INCOMPLETE = "positive", "negative", "incomplete"
QUESTION_TYPES = frozenset({"choice", "multi", "integer", "text"})
NONE_OF_THE_ABOVE = "LA9-3"  # LOINC answer "None of the above"
TEXT_MAX = 2000

Answers = dict[str, Any]
Definition = dict[str, Any]


@dataclass(frozen=True)
class Band:
    code: str
    label: str


@dataclass(frozen=True)
class Result:
    """What an instrument's answers mean: total, band, domain screens, urgent flags."""

    total: int | None = None
    band: Band | None = None
    domains: dict[str, str] = field(default_factory=dict)
    urgent: tuple[str, ...] = ()
    complete: bool = True
    cutoff: "Cutoff | None" = None

    @property
    def positive_domains(self) -> list[str]:
        return [code for code, status in self.domains.items() if status == POSITIVE]

    def as_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "band": self.band.code if self.band else None,
            "band_label": self.band.label if self.band else None,
            "domains": dict(self.domains),
            "urgent": list(self.urgent),
            "complete": self.complete,
            **(
                {"cutoff": {"sex": self.cutoff.sex, "total_min": self.cutoff.total_min}}
                if self.cutoff
                else {}
            ),
        }


@dataclass(frozen=True)
class Cutoff:
    """The positive cut-off a score used: the entry of `scoring.cutoff` for `sex` (the
    consumer's recorded sex, or `default`)."""

    sex: str
    total_min: int
    note: str


def cutoff_for(defn: Definition, sex: str) -> Cutoff | None:
    """The cut-off of an instrument scored by sex for a consumer of `sex` (female, male;
    any other value, unknown included, takes the `default`: the lower cut-off). None for
    an instrument without one."""
    table = defn.get("scoring", {}).get("cutoff")
    if not table:
        return None
    key = sex if sex in table and sex != "default" else "default"
    return Cutoff(key, int(table[key]["total_min"]), str(table[key]["note"]))


def definition_errors(defn: Definition) -> list[str]:
    """What is wrong with an instrument file (the loader refuses it)."""
    errors = [
        f"missing {key}" for key in ("code", "version", "title", "source") if not defn.get(key)
    ]
    ids: set[str] = set()
    for question in defn.get("questions", []):
        qid = question.get("id", "")
        if not qid or qid in ids:
            errors.append(f"question id '{qid}' is empty or repeated")
        ids.add(qid)
        if question.get("type") not in QUESTION_TYPES:
            errors.append(f"{qid}: unknown type {question.get('type')!r}")
        if question.get("type") in ("choice", "multi") and not question.get("options"):
            errors.append(f"{qid}: a choice question needs options")
        when = question.get("enable_when")
        if when and when.get("question") not in ids:
            errors.append(f"{qid}: enable_when names a later or unknown question")
    for qid in defn.get("scoring", {}).get("sum", []):
        if qid not in ids:
            errors.append(f"scoring names unknown question {qid}")
    cutoff = defn.get("scoring", {}).get("cutoff")
    if cutoff is not None and not isinstance(cutoff.get("default", {}).get("total_min"), int):
        errors.append("scoring cutoff needs a default total_min")
    uses_cutoff = any(b.get("cutoff") for b in defn.get("scoring", {}).get("bands", [])) or any(
        d.get("rule", {}).get("cutoff") for d in defn.get("domains", [])
    )
    if uses_cutoff and cutoff is None:
        errors.append("a band or domain uses the cut-off, and scoring has none")
    for domain in defn.get("domains", []):
        rule = domain.get("rule", {})
        names = [c.get("question") for c in rule.get("any", [])] + list(rule.get("sum", []))
        errors += [
            f"domain {domain.get('code')}: unknown question {n}" for n in names if n not in ids
        ]
    return errors + translation_errors(defn)


def translation_errors(defn: Definition) -> list[str]:
    """A translation (``translations: {language: {title, questions: {id: {text,
    options: {code: text}}}}}``) must give the title and every question and option, and
    name nothing the instrument lacks: a form is never half in one language."""
    errors: list[str] = []
    questions = {q.get("id"): q for q in defn.get("questions", [])}
    for language, text in defn.get("translations", {}).items():
        if not text.get("title"):
            errors.append(f"{language}: missing title")
        given = text.get("questions", {})
        for qid in sorted(set(given) - set(questions)):
            errors.append(f"{language}: unknown question {qid}")
        for qid, question in questions.items():
            entry = given.get(qid, {})
            if not entry.get("text"):
                errors.append(f"{language}: question {qid} has no text")
            codes = {o.get("code") for o in question.get("options", [])}
            options = entry.get("options", {})
            errors += [
                f"{language}: {qid} option {c} has no text" for c in sorted(codes - set(options))
            ]
            errors += [
                f"{language}: {qid} has unknown option {c}" for c in sorted(set(options) - codes)
            ]
    return errors


def localized(defn: Definition, language: str) -> Definition | None:
    """The instrument with its title, questions and options in ``language``; None when the
    instrument has no translation into it (codes, scoring and skip logic are unchanged)."""
    text = defn.get("translations", {}).get(language)
    if text is None:
        return None
    questions = []
    for question in defn["questions"]:
        entry = text["questions"][question["id"]]
        shown = {**question, "text": entry["text"]}
        if "options" in question:
            shown["options"] = [
                {**option, "text": entry["options"][option["code"]]}
                for option in question["options"]
            ]
        questions.append(shown)
    return {**defn, "title": text["title"], "questions": questions}


def _questions(defn: Definition) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for q in defn["questions"]}


def _codes(answer: Any) -> list[str]:
    if answer is None:
        return []
    return [str(a) for a in answer] if isinstance(answer, list) else [str(answer)]


def is_enabled(question: dict[str, Any], answers: Answers) -> bool:
    """Skip logic: a question with `enable_when` is asked only when the earlier answer
    is among the listed codes."""
    when = question.get("enable_when")
    if not when:
        return True
    return bool(set(_codes(answers.get(when["question"]))) & set(when["in"]))


def answer_errors(defn: Definition, answers: Answers) -> dict[str, list[str]]:
    """Field-specific errors: unknown questions, wrong type, out of range, not an option,
    required but missing, answered though skipped."""
    questions = _questions(defn)
    errors: dict[str, list[str]] = {}

    def add(qid: str, reason: str) -> None:
        errors.setdefault(qid, []).append(reason)

    for qid in answers:
        if qid not in questions:
            add(qid, "no such question in this instrument")
    for qid, question in questions.items():
        answer = answers.get(qid)
        empty = answer is None or answer == "" or answer == []
        if not is_enabled(question, answers):
            if not empty:
                add(qid, "not asked: an earlier answer skips this question")
            continue
        if empty:
            if question.get("required", True):
                add(qid, "an answer is required")
            continue
        kind = question["type"]
        codes = {o["code"] for o in question.get("options", [])}
        if kind == "choice":
            if not isinstance(answer, str) or answer not in codes:
                add(qid, "not one of the answer options")
        elif kind == "multi":
            if not isinstance(answer, list) or not all(isinstance(a, str) for a in answer):
                add(qid, "must be a list of answer options")
            elif set(answer) - codes:
                add(qid, "not one of the answer options")
            elif len(set(answer)) != len(answer):
                add(qid, "an option is chosen twice")
            elif len(answer) > 1 and set(answer) & exclusive_codes(question):
                add(qid, "'None of the above' cannot be chosen with another answer")
        elif kind == "integer":
            if isinstance(answer, bool) or not isinstance(answer, int):
                add(qid, "must be a whole number")
            elif not question.get("min", answer) <= answer <= question.get("max", answer):
                add(qid, f"must be between {question.get('min')} and {question.get('max')}")
        elif kind == "text" and (not isinstance(answer, str) or len(answer) > TEXT_MAX):
            add(qid, f"must be text of at most {TEXT_MAX} characters")
    return errors


def exclusive_codes(question: dict[str, Any]) -> set[str]:
    """The options of a multi-select question that stand alone ("None of the above"):
    marked ``exclusive`` in the definition, or LOINC's LA9-3 "None of the above"."""
    return {
        o["code"]
        for o in question.get("options", [])
        if o.get("exclusive") or o["code"] == NONE_OF_THE_ABOVE
    }


def item_score(question: dict[str, Any], answer: Any) -> int | None:
    """The score of a choice answer, or the sum of the scores of a multi-select's chosen
    options (None when unanswered or when no chosen option carries a score)."""
    scores = {o["code"]: o.get("score") for o in question.get("options", [])}
    found = [scores.get(code) for code in _codes(answer)]
    if not found or all(s is None for s in found):
        return None
    return sum(int(s) for s in found if s is not None)


def _sum(questions: dict[str, dict[str, Any]], ids: list[str], answers: Answers) -> int | None:
    scores = [item_score(questions[qid], answers.get(qid)) for qid in ids]
    if any(s is None for s in scores):
        return None
    return sum(s for s in scores if s is not None)


def _holds(condition: dict[str, Any], answer: Any) -> bool:
    if "at_least" in condition:
        return isinstance(answer, int) and answer >= condition["at_least"]
    codes = set(_codes(answer))
    if "in" in condition:
        return bool(codes & set(condition["in"]))
    return bool(codes - set(condition["not_in"]))


def _domain_status(
    rule: dict[str, Any],
    questions: dict[str, dict[str, Any]],
    answers: Answers,
    total: int | None,
    cutoff: Cutoff | None = None,
) -> str:
    if rule.get("cutoff"):
        if total is None or cutoff is None:
            return INCOMPLETE
        return POSITIVE if total >= cutoff.total_min else NEGATIVE
    if "total_min" in rule:
        if total is None:
            return INCOMPLETE
        return POSITIVE if total >= rule["total_min"] else NEGATIVE
    if "sum" in rule:
        value = _sum(questions, rule["sum"], answers)
        if value is None:
            return INCOMPLETE
        return POSITIVE if value >= rule["min"] else NEGATIVE
    missing = False
    for condition in rule["any"]:
        question = questions[condition["question"]]
        answer = answers.get(condition["question"])
        if answer in (None, "", []):
            missing = missing or is_enabled(question, answers)
            continue
        if _holds(condition, answer):
            return POSITIVE
    return INCOMPLETE if missing else NEGATIVE


def band_for(defn: Definition, total: int | None, cutoff: Cutoff | None = None) -> Band | None:
    if total is None:
        return None
    for band in defn.get("scoring", {}).get("bands", []):
        side = band.get("cutoff")
        if side is not None and cutoff is not None:
            below = total < cutoff.total_min
            if below == (side == "below"):
                return Band(band["code"], f"{band['label']} ({cutoff.note})")
        elif side is None and band["min"] <= total <= band["max"]:
            return Band(band["code"], band["label"])
    return None


def score(defn: Definition, answers: Answers, *, sex: str = "unknown") -> Result:
    """Score valid answers: total and band, each domain's screen, urgent flags. `sex` is
    the consumer's recorded sex, for an instrument whose cut-off depends on it
    (`cutoff_for`)."""
    questions = _questions(defn)
    scoring = defn.get("scoring")
    total = _sum(questions, scoring["sum"], answers) if scoring else None
    cutoff = cutoff_for(defn, sex)
    domains = {
        d["code"]: _domain_status(d["rule"], questions, answers, total, cutoff)
        for d in defn.get("domains", [])
    }
    urgent = tuple(
        flag["label"]
        for flag in defn.get("urgent", [])
        if (item_score(questions[flag["question"]], answers.get(flag["question"])) or 0)
        >= flag["min_score"]
    )
    complete = (scoring is None or total is not None) and INCOMPLETE not in domains.values()
    return Result(
        total=total,
        band=band_for(defn, total, cutoff),
        domains=domains,
        urgent=urgent,
        complete=complete,
        cutoff=cutoff if total is not None else None,
    )


@dataclass(frozen=True)
class AnswerRow:
    """One asked question of a completed instrument, as a summary shows it."""

    question_id: str
    text: str
    answer: str | None
    """The answer in words (options' text, joined for several); None when unanswered."""
    score: int | None


def answer_rows(defn: Definition, answers: Answers) -> list[AnswerRow]:
    """Each question that was asked (skip logic applied), in order, with its answer in
    the definition's words: pass a :func:`localized` definition for another language."""
    rows = []
    for question in defn["questions"]:
        if not is_enabled(question, answers):
            continue
        answer = answers.get(question["id"])
        words: str | None
        if answer in (None, "", []):
            words = None
        elif "options" in question:
            text = {option["code"]: option["text"] for option in question["options"]}
            words = "; ".join(text.get(code, code) for code in _codes(answer))
        else:
            words = str(answer)
        rows.append(
            AnswerRow(question["id"], question["text"], words, item_score(question, answer))
        )
    return rows


def is_part2(defn: Definition) -> bool:
    """Whether every response to the instrument is a substance-use-disorder record under
    42 CFR Part 2 (S40): its definition says `"part2": true` (an SUD screen such as
    AUDIT-C or DAST-10)."""
    return defn.get("part2") is True


def domain_labels(defn: Definition) -> dict[str, str]:
    return {d["code"]: d["label"] for d in defn.get("domains", [])}


# --- monitoring: when a triggered reassessment or follow-up is due (D4) ---------------

URGENT_HOURS = 4
TRIGGER_DAYS = {"condition_change": 1, "transition_of_care": 2, "new_positive_screen": 7}


def same_day_due(now: datetime) -> datetime:
    """An urgent follow-up is due within URGENT_HOURS and never after the end of the day
    it was raised (UTC), but always at least an hour ahead."""
    end_of_day = now.replace(hour=23, minute=59, second=0, microsecond=0)
    return max(min(now + timedelta(hours=URGENT_HOURS), end_of_day), now + timedelta(hours=1))


def trigger_due(kind: str, now: datetime) -> datetime:
    """When a triggered reassessment is due: condition change next day, transition of
    care within two days (the TCM interactive contact), a new positive screen a week."""
    return now + timedelta(days=TRIGGER_DAYS[kind])


def new_positive_domains(previous: dict[str, str] | None, current: dict[str, str]) -> list[str]:
    """Domains positive now that were not positive in the previous response of the same
    instrument (a first screen has no "new" positives: its findings become needs)."""
    if previous is None:
        return []
    return sorted(c for c, s in current.items() if s == POSITIVE and previous.get(c) != POSITIVE)
