"""The transition plan (G1): its facts, the readmission risk scores, and each save as a
new version."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.core import clock
from casework.core.actor import Actor
from casework.core.errors import RuleViolation, StaleVersion, ValidationFailed
from casework.core.models import AuditAction
from casework.stays.deadlines import facility_zone
from casework.stays.models import Stay
from casework.stays.rules import StayState
from casework.transitions import risk, selectors
from casework.transitions.models import TransitionPlan, TransitionPlanVersion
from casework.transitions.rules import Destination, PostAcuteNeed
from casework.transitions.services._common import _audit

# --- the transition plan ------------------------------------------------------------------


@dataclass(frozen=True)
class PlanFacts:
    destination: Destination
    anticipated_discharge_date: date | None = None
    needs: tuple[PostAcuteNeed, ...] = ()
    barriers: str = ""
    readmission_risk: str = ""
    risk: "RiskEntries | None" = None


@dataclass(frozen=True)
class RiskEntries:
    """What the case manager enters for the readmission scores; `None` is not known."""

    comorbidity_codes: tuple[str, ...] = ()
    acute: bool | None = None
    haemoglobin: Decimal | None = None
    sodium: Decimal | None = None
    oncology: bool | None = None
    procedure: bool | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "comorbidity_codes": list(self.comorbidity_codes),
            "acute": self.acute,
            "haemoglobin": None if self.haemoglobin is None else str(self.haemoglobin),
            "sodium": None if self.sodium is None else str(self.sodium),
            "oncology": self.oncology,
            "procedure": self.procedure,
        }


ICD10CM_CODE = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")


def _risk_check(entries: RiskEntries) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    bad = [code for code in entries.comorbidity_codes if not ICD10CM_CODE.match(code)]
    if bad:
        errors["comorbidity_codes"] = [
            _("not ICD-10-CM codes: %(codes)s") % {"codes": ", ".join(bad)}
        ]
    if len(entries.comorbidity_codes) > 100:
        errors["comorbidity_codes"] = [_("at most 100 codes")]
    if entries.haemoglobin is not None and not 1 <= entries.haemoglobin <= 25:
        errors["haemoglobin"] = [_("between 1 and 25 g/dL")]
    if entries.sodium is not None and not 90 <= entries.sodium <= 200:
        errors["sodium"] = [_("between 90 and 200 mmol/L")]
    return errors


def plan_risk(*, stay: Stay, entries: RiskEntries, anticipated: date | None) -> dict[str, Any]:
    """LACE and HOSPITAL of the stay (`transitions.risk`): the stay's dates and the
    consumer's other stays, with what the case manager entered; the admitting diagnosis
    counts as a comorbidity code when it is one."""
    found = selectors.stay_risk_facts(stay=stay)
    tz = timezone.get_current_timezone()
    if stay.discharged_at is not None:
        discharge, discharge_source = stay.discharged_at.astimezone(tz).date(), "discharge"
    elif anticipated is not None:
        discharge, discharge_source = anticipated, "anticipated"
    else:
        discharge, discharge_source = clock.now().astimezone(tz).date(), "today"
    codes = list(entries.comorbidity_codes)
    admitting = stay.admitting_diagnosis.strip().upper()
    if ICD10CM_CODE.match(admitting) and admitting not in codes:
        codes.append(admitting)
    acute: bool | None
    if entries.acute is not None:
        acute, acute_source = entries.acute, "entered on the plan"
    else:
        acute, acute_source = found.acute, found.acute_source or "not known"
    return risk.readmission_risk(
        risk.RiskInputs(
            admitted=stay.admitted_at.astimezone(tz).date(),
            discharge=discharge,
            discharge_source=discharge_source,
            acute=acute,
            acute_source=acute_source,
            comorbidity_codes=tuple(codes),
            ed_visits=found.ed_visits,
            prior_admissions=found.prior_admissions,
            haemoglobin=entries.haemoglobin,
            sodium=entries.sodium,
            oncology=entries.oncology,
            procedure=entries.procedure,
        )
    )


def _plan_facts_json(facts: PlanFacts) -> dict[str, Any]:
    return {
        "destination": facts.destination.value,
        "anticipated_discharge_date": (
            facts.anticipated_discharge_date.isoformat()
            if facts.anticipated_discharge_date
            else None
        ),
        "needs": [need.value for need in facts.needs],
        "barriers": facts.barriers,
        "readmission_risk": facts.readmission_risk,
        "risk_inputs": (facts.risk or RiskEntries()).as_json(),
    }


@transaction.atomic
def transition_plan_save(
    *, actor: Actor, stay: Stay, facts: PlanFacts, version: int | None = None
) -> TransitionPlan:
    """Write a new version of the stay's transition plan (the first when there is none;
    `version` is the one the caller read, StaleVersion otherwise). Refused for a
    cancelled stay or an anticipated date before the admission. Audits one create or
    update."""
    if stay.state == StayState.CANCELLED:
        raise RuleViolation(_("the stay was cancelled"))
    day = facts.anticipated_discharge_date
    if day is not None and day < stay.admitted_at.astimezone(facility_zone()).date():
        raise ValidationFailed.single(
            "anticipated_discharge_date", _("may not be before the admission")
        )
    if len(set(facts.needs)) != len(facts.needs):
        raise ValidationFailed.single("needs", _("each need once"))
    entries = facts.risk or RiskEntries()
    errors = _risk_check(entries)
    if errors:
        raise ValidationFailed(errors)
    scored = plan_risk(stay=stay, entries=entries, anticipated=day)
    now = clock.now()
    plan = TransitionPlan.objects.select_for_update().filter(stay=stay).first()
    changes = {
        "destination": facts.destination.value,
        "anticipated_discharge_date": day,
        "needs": [need.value for need in facts.needs],
        "barriers": facts.barriers.strip(),
        "readmission_risk": facts.readmission_risk.strip(),
        "risk_inputs": entries.as_json(),
        "risk": scored,
        "updated_by": actor.user,
        "updated_at": now,
    }
    if plan is None:
        if version not in (None, 0):
            raise StaleVersion(0)
        plan = TransitionPlan.objects.create(
            program_id=stay.program_id, consumer_id=stay.consumer_id, stay=stay, **changes
        )
        action = AuditAction.CREATE
    else:
        if version is not None and version != plan.version:
            raise StaleVersion(plan.version)
        for name, value in changes.items():
            setattr(plan, name, value)
        plan.version += 1
        plan.save()
        action = AuditAction.UPDATE
    TransitionPlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        facts=_plan_facts_json(facts) | {"risk": scored},
        author=actor.user,
        saved_at=now,
    )
    _audit(actor, action, stay.consumer_id, "transition_plan", plan.pk, version=plan.version)
    return plan
