"""The printable Medicare notices in English and Spanish, in casework's own wording (the
official CMS-R-193 and CMS-10611 forms are not reproduced: a hospital prints those from
CMS; this is the plain-language companion the case manager hands over and explains).

Each text is a complete document in one language, reviewed as a whole, so it lives here
as data rather than as scattered catalog entries."""

from casework.stays.rules import NoticeKind

LANGUAGES = ("en", "es")

TEXT: dict[str, dict[str, dict[str, object]]] = {
    "en": {
        "im": {
            "title": "Your rights as a hospital inpatient with Medicare",
            "paragraphs": [
                "You were admitted to this hospital as an inpatient. While you are here you "
                "have the right to the hospital care you need, and to take part in decisions "
                "about it and about your discharge.",
                "If you think you are being asked to leave the hospital too soon, you may ask "
                "the Quality Improvement Organization (QIO) for Medicare to review the "
                "decision. Ask no later than the day you are due to leave. While the QIO "
                "reviews, you do not pay for the extra days, except usual costs such as "
                "copayments.",
                "Your case manager can give you the QIO's telephone number and help you ask "
                "for a review.",
            ],
            "sign": "Signature of patient or representative",
            "date": "Date",
        },
        "moon": {
            "title": "You are an outpatient in observation",
            "paragraphs": [
                "You are getting observation services in the hospital. You are an "
                "outpatient, not an inpatient, even if you stay overnight.",
                "Being an outpatient may change what you pay: Medicare Part B covers "
                "observation, and you may owe a copayment for each service. Medicines you "
                "usually take at home may not be covered.",
                "Days as an outpatient do not count toward the three inpatient days Medicare "
                "needs before it covers care in a skilled nursing facility.",
                "Ask your case manager or doctor if you have questions about your status.",
            ],
            "sign": "Signature of patient or representative",
            "date": "Date and time",
        },
        "labels": {"patient": "Patient", "hospital": "Hospital", "admitted": "Admitted"},
    },
    "es": {
        "im": {
            "title": "Sus derechos como paciente hospitalizado con Medicare",
            "paragraphs": [
                "Usted fue admitido en este hospital como paciente hospitalizado. Mientras "
                "esté aquí tiene derecho a la atención hospitalaria que necesita y a "
                "participar en las decisiones sobre ella y sobre su alta.",
                "Si cree que le piden salir del hospital demasiado pronto, puede pedir a la "
                "Organización para el Mejoramiento de la Calidad (QIO) de Medicare que revise "
                "la decisión. Pídalo a más tardar el día en que debe salir. Mientras la QIO "
                "revisa, usted no paga los días adicionales, salvo los costos habituales como "
                "los copagos.",
                "Su administrador de casos puede darle el teléfono de la QIO y ayudarle a "
                "pedir la revisión.",
            ],
            "sign": "Firma del paciente o representante",
            "date": "Fecha",
        },
        "moon": {
            "title": "Usted es un paciente ambulatorio en observación",
            "paragraphs": [
                "Usted está recibiendo servicios de observación en el hospital. Es un "
                "paciente ambulatorio, no hospitalizado, aunque pase la noche aquí.",
                "Ser paciente ambulatorio puede cambiar lo que usted paga: la Parte B de "
                "Medicare cubre la observación y es posible que deba un copago por cada "
                "servicio. Es posible que no se cubran los medicamentos que suele tomar en "
                "casa.",
                "Los días como paciente ambulatorio no cuentan para los tres días de "
                "hospitalización que Medicare exige antes de cubrir la atención en un centro "
                "de enfermería especializada.",
                "Pregunte a su administrador de casos o a su médico si tiene dudas sobre su "
                "situación.",
            ],
            "sign": "Firma del paciente o representante",
            "date": "Fecha y hora",
        },
        "labels": {"patient": "Paciente", "hospital": "Hospital", "admitted": "Admisión"},
    },
}


def notice_language(requested: str) -> str:
    code = (requested or "en").split("-")[0].lower()
    return code if code in LANGUAGES else "en"


def notice_text(kind: NoticeKind, language: str) -> dict[str, object]:
    texts = TEXT[notice_language(language)]
    body = texts["moon" if kind == NoticeKind.MOON else "im"]
    return {**body, "labels": texts["labels"]}
