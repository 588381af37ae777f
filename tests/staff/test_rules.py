"""Staff qualification and due-date rules without a database (A2, A3, A5, A6, A8)."""

from datetime import date
from decimal import Decimal

import pytest

from casework.staff import rules
from casework.staff.rules import CredentialFacts as C
from casework.staff.rules import RuleSettings, StaffFacts

ON = date(2026, 6, 15)
S = RuleSettings()
RN = C(kind="license", independent_assessment=True, clinical=True, expires_date=date(2027, 1, 1))
CCM = C(kind="certification", case_manager_certification=True, expires_date=date(2027, 1, 1))
BSW = C(kind="degree", degree_level="bachelor", accredited=True, supervised_field_experience=True)


@pytest.mark.parametrize(
    ("credential", "met"),
    [
        (RN, True),
        (C(kind="license", independent_assessment=True, expires_date=ON), True),  # last day
        (C(kind="license", independent_assessment=True, expires_date=date(2026, 6, 14)), False),
        (C(kind="license", independent_assessment=True, status="suspended"), False),
        (C(kind="license", independent_assessment=True, restricted=True), False),
        (C(kind="license", independent_assessment=False), False),
        (C(kind="certification", independent_assessment=True), True),
        (
            C(kind="license", independent_assessment=True, health_or_human_services=False),
            False,
        ),
        (BSW, False),
    ],
)
def test_case_manager_3_1_a(credential: C, met: bool) -> None:
    assert rules.case_manager_3_1_a(StaffFacts(credentials=[credential]), ON).met is met


def test_3_1_a_reason_names_the_restriction() -> None:
    facts = StaffFacts(
        credentials=[C(kind="license", independent_assessment=True, restricted=True)]
    )
    assert rules.case_manager_3_1_a(facts, ON).reasons == (
        "the current license or certification is restricted",
    )


@pytest.mark.parametrize(
    ("state_requires", "degree", "met", "reason"),
    [
        (False, BSW, True, "qualifying accredited degree with field experience"),
        (True, BSW, False, "the state requires licensure or certification"),
        (False, C(kind="degree", degree_level="graduate", accredited=True,
                  supervised_field_experience=True), True,
         "qualifying accredited degree with field experience"),
        (False, C(kind="degree", degree_level="associate", accredited=True,
                  supervised_field_experience=True), False,
         "not a baccalaureate or graduate degree"),
        (False, C(kind="degree", degree_level="bachelor", accredited=False,
                  supervised_field_experience=True), False,
         "institution not nationally accredited"),
        (False, C(kind="degree", degree_level="bachelor", accredited=True,
                  supervised_field_experience=False), False,
         "no supervised field experience in the degree"),
        (False, C(kind="degree", degree_level="bachelor", accredited=True,
                  supervised_field_experience=True, health_or_human_services=False), False,
         "not in social work or a health or human services field"),
    ],
)  # fmt: skip
def test_case_manager_3_1_b(state_requires: bool, degree: C, met: bool, reason: str) -> None:
    result = rules.case_manager_3_1_b(
        StaffFacts(credentials=[degree], state_requires_licensure=state_requires), ON
    )
    assert (result.met, result.reasons) == (met, (reason,))


ADV = C(kind="license", advanced=True, expires_date=date(2027, 1, 1))
SPECIALTY = C(kind="certification", clinical_specialty=True)


@pytest.mark.parametrize(
    ("credentials", "cm_years", "sup_years", "met", "codes_met"),
    [
        ([BSW, ADV], 0, 0, True, {"3.2(a)(i)", "3.2(b)"}),
        ([ADV], 0, 0, False, {"3.2(b)"}),  # no degree
        ([BSW], 0, 0, False, {"3.2(b)"}),  # no advanced licensure
        ([CCM], 0, 0, True, {"3.2(a)(ii)", "3.2(b)"}),
        ([SPECIALTY], 5, 0, True, {"3.2(a)(iii)", "3.2(b)"}),  # exactly five years
        ([SPECIALTY], Decimal("4.9"), 0, False, {"3.2(b)"}),
        ([BSW, ADV], 0, Decimal("2.9"), True, {"3.2(a)(i)", "3.2(b)"}),
        ([BSW, ADV], 0, 3, False, {"3.2(a)(i)"}),  # exactly three years supervising
        ([BSW, ADV, CCM], 0, 3, True, {"3.2(a)(i)", "3.2(a)(ii)", "3.2(b)"}),
    ],
)
def test_supervisor_3_2(
    credentials: list[C], cm_years: Decimal, sup_years: Decimal, met: bool, codes_met: set[str]
) -> None:
    facts = StaffFacts(
        credentials=credentials,
        case_manager_years=Decimal(cm_years),
        supervision_years=Decimal(sup_years),
    )
    ok, results = rules.supervisor_qualified(facts, ON, S)
    assert (ok, {q.code for q in results if q.met}) == (met, codes_met)


def test_supervisor_years_are_a_program_setting() -> None:
    facts = StaffFacts(credentials=[SPECIALTY], case_manager_years=Decimal(4))
    assert rules.supervisor_3_2_a_iii(facts, ON, RuleSettings()).met is False
    relaxed = RuleSettings(supervisor_case_manager_years=Decimal(4))
    assert rules.supervisor_3_2_a_iii(facts, ON, relaxed).met is True


RESTRICTED = C(kind="license", clinical=True, restricted=True)
CONTROLLED = C(kind="license", clinical=True, restricted=True, restriction_controls=True)
BOARD = C(kind="certification", board_certification=True)


@pytest.mark.parametrize(
    ("credentials", "physician", "direct_care", "met", "a_met"),
    [
        ([RN], False, True, True, True),
        ([RESTRICTED], False, True, False, False),
        ([CONTROLLED], False, True, True, True),
        ([RN], False, False, False, True),  # neither (c) nor (d)
        ([RN, BOARD], False, False, True, True),  # (d) instead of (c)
        ([RN], True, True, False, True),  # M.D./D.O. needs board certification
        ([RN, BOARD], True, True, True, True),
        ([], False, True, False, False),
    ],
)
def test_clinical_oversight_3_3(
    credentials: list[C], physician: bool, direct_care: bool, met: bool, a_met: bool
) -> None:
    facts = StaffFacts(
        credentials=credentials,
        physician=physician,
        post_graduate_direct_care=direct_care,
        oversight_qualified=True,
    )
    ok, results = rules.clinical_oversight_3_3(facts, ON)
    assert (ok, results[0].met) == (met, a_met)


def test_3_3_needs_documented_oversight_qualification() -> None:
    facts = StaffFacts(credentials=[RN], post_graduate_direct_care=True)
    ok, results = rules.clinical_oversight_3_3(facts, ON)
    assert (ok, results[1].reasons) == (
        False,
        ("qualification for clinical oversight not documented",),
    )


@pytest.mark.parametrize(
    ("verified", "due"),
    [
        (date(2026, 1, 31), date(2029, 1, 31)),
        (date(2024, 2, 29), date(2027, 2, 28)),
    ],
)
def test_reverification_due_three_years_after(verified: date, due: date) -> None:
    assert rules.reverification_due(verified, S) == due


@pytest.mark.parametrize(
    ("on", "verified"),
    [(date(2029, 1, 30), True), (date(2029, 1, 31), False)],
)
def test_verification_lapses_on_the_due_date(on: date, verified: bool) -> None:
    c = C(kind="license", verified_date=date(2026, 1, 31))
    assert rules.credential_verified(c, on, S) is verified


def test_ce_window_rolls() -> None:
    hours = [(date(2021, 7, 1), Decimal(40)), (date(2024, 3, 1), Decimal(40))]
    status = rules.ce_status(hours, on=ON, start_date=date(2020, 1, 1), settings=S)
    assert (status.hours_in_window, status.met, status.due_date) == (
        Decimal(80),
        True,
        date(2026, 7, 1),  # the 2021 hours age out then
    )
    later = rules.ce_status(hours, on=date(2026, 7, 1), start_date=date(2020, 1, 1), settings=S)
    assert (later.hours_in_window, later.met, later.due_date) == (
        Decimal(40),
        False,
        date(2026, 7, 1),
    )


def test_ce_due_for_a_new_hire_is_the_end_of_the_first_window() -> None:
    status = rules.ce_status([], on=ON, start_date=date(2025, 3, 1), settings=S)
    assert (status.met, status.due_date) == (False, date(2030, 3, 1))


def test_ce_hours_follow_the_certifying_body() -> None:
    hours = [(date(2025, 1, 1), Decimal(50))]
    status = rules.ce_status(
        hours, on=ON, start_date=date(2020, 1, 1), settings=S, required=Decimal(45)
    )
    assert status.met is True


@pytest.mark.parametrize(
    ("signed_version", "signed", "on", "current"),
    [
        (2, date(2025, 6, 16), ON, True),
        (2, date(2025, 6, 15), ON, False),  # a year has passed: re-attest
        (1, date(2026, 6, 1), ON, False),  # a new version needs signing
        (None, None, ON, False),
    ],
)
def test_attestation_current(
    signed_version: int | None, signed: date | None, on: date, current: bool
) -> None:
    assert (
        rules.attestation_current(
            signed_version=signed_version,
            signed_date=signed,
            current_version=2,
            on=on,
            settings=S,
        )
        is current
    )


def test_annual_training_recurs() -> None:
    assert rules.recurrence_due(date(2025, 1, 31), 12, start_date=date(2020, 1, 1)) == date(
        2026, 1, 31
    )
    assert rules.recurrence_due(None, 12, start_date=date(2026, 2, 1)) == date(2026, 2, 1)


@pytest.mark.parametrize(
    ("complexity", "severity", "weight"),
    [
        ("low", "low", Decimal(1)),
        ("moderate", "high", Decimal(3)),
        ("high", "high", Decimal("4.5")),
    ],
)
def test_acuity_weight(complexity: str, severity: str, weight: Decimal) -> None:
    assert rules.acuity_weight(complexity, severity) == weight


OK = rules.AssigneeFacts(True, True, True, Decimal(10), Decimal(12))


@pytest.mark.parametrize(
    ("facts", "adding", "blockers"),
    [
        (OK, Decimal(2), []),  # exactly at the limit
        (OK, Decimal(3), [rules.OVER_CASELOAD]),
        (rules.AssigneeFacts(False, True, True, Decimal(0), None), Decimal(1),
         [rules.NO_VERIFIED_CREDENTIAL]),
        (rules.AssigneeFacts(True, False, True, Decimal(0), None), Decimal(1),
         [rules.NO_ORIENTATION]),
        (rules.AssigneeFacts(True, True, False, Decimal(0), None), Decimal(1),
         [rules.NO_CONFIDENTIALITY]),
        (rules.AssigneeFacts(True, True, True, Decimal(500), None), Decimal(1), []),
    ],
)  # fmt: skip
def test_assignment_blockers(
    facts: rules.AssigneeFacts, adding: Decimal, blockers: list[str]
) -> None:
    assert rules.assignment_blockers(facts, adding=adding) == blockers


def test_suggestions_prefer_continuity_then_language_then_load() -> None:
    def f(
        load: int, langs: set[str], prior: bool = False, cred: bool = True
    ) -> rules.AssigneeFacts:
        return rules.AssigneeFacts(
            cred, True, True, Decimal(load), Decimal(20), frozenset(langs), prior
        )

    candidates = {
        1: f(2, {"en"}),
        2: f(8, {"es"}),
        3: f(15, {"en"}, prior=True),
        4: f(0, {"es"}, cred=False),
    }
    assert rules.suggestion_rank(candidates, adding=Decimal(2), language="es") == [3, 2, 1]
