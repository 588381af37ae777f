"""The ACK the listener sends (original mode, HL7 v2 2.9.2), built from the message's MSH."""

import hl7
import pytest

from casework.stays.adt import _ack, _normalize
from casework.stays.rules import AckCode
from tests.stays.messages import adt

pytestmark = pytest.mark.usefixtures("frozen")


def fields(ack: str, segment: str) -> list[str]:
    return next(s for s in ack.split("\r") if s.startswith(segment)).split("|")


def test_an_aa_swaps_sender_and_receiver_and_echoes_the_control_id() -> None:
    ack = _ack(_normalize(adt("A02", control_id="C42")), AckCode.ACCEPT, "", "C42")

    msh = fields(ack, "MSH")
    assert msh[:9] == [
        "MSH",
        "^~\\&",
        "CASEWORK",
        "CASEWORK",
        "EPIC",
        "GENHOSP",
        "20260305180000",
        "",
        "ACK^A02^ACK",
    ]
    assert msh[9].startswith("ACK20260305180000") and len(msh[9]) == 25
    assert msh[10:] == ["P", "2.5.1"]
    assert fields(ack, "MSA") == ["MSA", "AA", "C42"]
    assert ack.endswith("\r") and ack.count("\r") == 2


def test_the_ack_is_the_one_the_hl7_package_builds() -> None:
    text = _normalize(adt("A08", control_id="C7"))
    ours = hl7.parse(_ack(text, AckCode.ACCEPT, "", "C7"))
    ack_id = str(ours.segment("MSH")(10))

    library = hl7.parse(text).create_ack(
        "AA", message_id=ack_id, application="CASEWORK", facility="CASEWORK"
    )
    library.segment("MSH").assign_field(str(ours.segment("MSH")(7)), 7)
    assert str(ours) == str(library)


@pytest.mark.parametrize("code", [AckCode.ERROR, AckCode.REJECT])
def test_an_ae_or_ar_carries_the_reason_escaped_in_msa_3(code: AckCode) -> None:
    reason = "no unit with code 4N|X^Y&Z~W \\ here"
    ack = _ack(_normalize(adt("A01", control_id="C9")), code, reason, "C9")

    msa = fields(ack, "MSA")
    assert msa == [
        "MSA",
        code.value,
        "C9",
        "no unit with code 4N\\F\\X\\S\\Y\\T\\Z\\R\\W \\E\\ here",
    ]
    parsed = hl7.parse(ack)
    assert parsed.unescape(str(parsed.segment("MSA")(3))) == reason


def test_the_ack_uses_the_message_s_own_delimiters() -> None:
    text = "MSH#$~\\&#EPIC$EAST#GENHOSP#CASEWORK#CW#202603020800##ADT$A03$ADT_A03#C5#P#2.3\rEVN#A03"

    ack = _ack(text, AckCode.ERROR, "a#b$c", "C5")

    assert ack.split("\r")[0].split("#")[:6] == [
        "MSH",
        "$~\\&",
        "CASEWORK",
        "CASEWORK",
        "EPIC$EAST",
        "GENHOSP",
    ]
    assert ack.split("\r")[0].split("#")[8:] == [
        "ACK$A03$ACK",
        ack.split("\r")[0].split("#")[9],
        "P",
        "2.3",
    ]
    assert ack.split("\r")[1] == "MSA#AE#C5#a\\F\\b\\S\\c"


def test_without_a_readable_message_the_ack_is_minimal() -> None:
    ack = _ack(None, AckCode.REJECT, "bad MLLP frame: x|y", "")

    assert fields(ack, "MSH")[2:12] == [
        "CASEWORK",
        "CASEWORK",
        "",
        "",
        "20260305180000",
        "",
        "ACK",
        fields(ack, "MSH")[9],
        "P",
        "2.5.1",
    ]
    assert fields(ack, "MSA") == ["MSA", "AR", "", "bad MLLP frame: x\\F\\y"]
