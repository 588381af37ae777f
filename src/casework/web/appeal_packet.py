"""The appeal packet of a denial (H4), composed from the stays context (the stay, its
reviews, physician advisor referrals, Medicare notices, authorizations, the denial and its
appeals) and the coordination context (the case notes written during the stay): a page
composed from several contexts belongs to the web layer.

Which notes go in: those of the consumer's cases in the stay's program that the reader
reaches (the relationship filter of `consumer.read`: a unit assignment opens the stay, not
the consumer's case notes), first signed from admission to discharge (to now while in the
house), each in its latest version. A Part 2 note (42 CFR Part 2, S40) never goes into a
payer's packet without a consent naming the payer; the product records Part 2 consents
for roles of the program only, so no Part 2 note goes in, and the packet does not say
that one was left out (that would disclose it): the print's audit event names them."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation

from casework.coordination import selectors as coordination
from casework.coordination.models import Note
from casework.coordination.rules import NoteVersion
from casework.core import clock
from casework.core.actor import Actor
from casework.core.policy import Permission
from casework.stays import selectors as stays
from casework.stays.models import Stay
from casework.stays.payers import packet
from casework.stays.payers import selectors as payers
from casework.stays.payers import services as payer_services
from casework.web.access import access_stay, reach_q
from casework.web.guard import page_view


def _author(note: Note) -> str:
    return note.author.get_full_name() or note.author.username


def _packet_note(version: NoteVersion) -> packet.PacketNote:
    return packet.PacketNote(
        signed_at=version.first.signed_at,
        author=_author(version.first),
        kind=version.first.get_kind_display(),
        text=version.latest.text,
        amended_at=version.latest.signed_at if version.amended else None,
    )


@page_view(["GET"], Permission.CONSUMER_READ, access_stay)
def stay_appeal_packet(
    request: HttpRequest, actor: Actor, stay: Stay, denial_id: int
) -> HttpResponse:
    """The appeal packet of a denial (PDF, in English for the payer's reviewers). Audits
    one print naming the notes it holds and the Part 2 notes it left out."""
    denial = payers.denial_on_stay(stay=stay, denial_id=denial_id)
    if denial is None:
        raise Http404("No such denial.")
    versions = coordination.note_versions_signed_between(
        consumer_id=stay.consumer_id,
        program_id=stay.program_id,
        start=stay.admitted_at,
        end=stay.discharged_at or clock.now(),
        within=reach_q(
            actor.user,
            Permission.CONSUMER_READ,
            consumer="case__consumer_id",
            program="case__program_id",
        ),
    )
    withheld = [v for v in versions if v.first.part2 or v.latest.part2]
    shown = [v for v in versions if v not in withheld]
    with translation.override("en"):
        sections = packet.packet_sections(
            stay=stay,
            denial=denial,
            reviews=payers.packet_reviews(stay_id=stay.pk),
            referrals=stays.referral_list(stay_id=stay.pk),
            appeals=payers.appeals_of_denial(denial_id=denial.pk),
            notes=[_packet_note(v) for v in shown],
            notices=stays.notice_list(stay_id=stay.pk),
            authorizations=payers.authorization_list(stay_id=stay.pk).order_by("created_at", "pk"),
        )
    payer_services.appeal_packet_printed(
        actor=actor,
        denial=denial,
        note_ids=[v.first.pk for v in shown],
        part2_withheld_ids=[v.first.pk for v in withheld],
    )
    body = packet.packet_pdf(
        title=f"Appeal packet: stay {stay.visit_number}, denial {denial.pk}", sections=sections
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="appeal-packet-{denial.pk}.pdf"'
    return response
