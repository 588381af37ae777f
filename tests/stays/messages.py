"""Building HL7 v2 ADT messages for the tests and the demo feed."""

import itertools

_ids = itertools.count(1)


def adt(
    trigger: str,
    *,
    mrn: str = "MRN1",
    visit: str = "V1",
    patient_class: str = "I",
    unit: str = "4N",
    room: str = "401",
    bed: str = "A",
    at: str = "202603020800",
    control_id: str | None = None,
    family: str = "Doe",
    given: str = "Jane",
    birth: str = "19480101",
    payer: str = "Medicare",
    plan_type: str = "MC",
    patient_type: str = "",
    expected_discharge: str = "",
    prior_mrn: str = "",
    app: str = "EPIC",
    facility: str = "GENHOSP",
) -> str:
    control = control_id or f"MSG{next(_ids):06d}"
    pv1 = ["PV1", "1", patient_class, f"{unit}^{room}^{bed}^{facility}" if unit else ""]
    pv1 += ["", "", "", "1234^Smith^John"]  # PV1-4..7
    pv1 += [""] * 10  # PV1-8..17
    pv1 += [patient_type, f"{visit}^^^{facility}^VN"]  # PV1-18, 19
    pv1 += [""] * 24  # PV1-20..43
    pv1 += [at]  # PV1-44 admit
    pv1 += [at if trigger == "A03" else ""]  # PV1-45 discharge
    segments = [
        f"MSH|^~\\&|{app}|{facility}|CASEWORK|CW|{at}||ADT^{trigger}^ADT_A01|{control}|P|2.5.1",
        f"EVN|{trigger}|{at}||||{at}",
        f"PID|1||{mrn}^^^{facility}^MR||{family}^{given}||{birth}|F",
    ]
    if prior_mrn:
        segments.append(f"MRG|{prior_mrn}^^^{facility}^MR")
    segments.append("|".join(pv1))
    segments.append(f"PV2|||^Heart failure||||||{expected_discharge}")
    if payer:
        segments.append(f"IN1|1|MCR^{payer} Part A||{payer}" + "|" * 11 + plan_type)
    return "\r".join(segments) + "\r"
