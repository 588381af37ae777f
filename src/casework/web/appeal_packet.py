"""The appeal packet of a denial (H4), composed from the stays context (the stay, its
reviews, physician advisor referrals, Medicare notices, authorizations, the denial and its
appeals) and the coordination context (the case notes written during the stay): a page
composed from several contexts belongs to the web layer.

Which notes go in: those of the consumer's cases in the stay's program that the reader
reaches (the relationship filter of `consumer.read`: a unit assignment opens the stay, not
the consumer's case notes), first signed from admission to discharge (to now while in the
house), each in its latest version. A Part 2 note (42 CFR Part 2, S40) goes into a
payer's packet only under the consumer's active Part 2 consent naming the stay's payer
(`coordination.selectors.part2_consent_for_payer`): then it is marked as a Part 2 record
and the packet opens with the 42 CFR 2.32 notice and the consent's scope. Without one it
is left out, and the packet does not say that one was left out (that would disclose it):
the print's audit event names what went in and what was left out."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation

from casework.coordination import selectors as coordination
from casework.coordination.models import Note
from casework.coordination.rules import PART2_NOTICE, NoteVersion
from casework.core import clock
from casework.core.actor import Actor
from casework.core.policy import Permission
from casework.stays import selectors as stays
from casework.stays.models import Stay, StayDocument
from casework.stays.payers import packet
from casework.stays.payers import selectors as payers
from casework.stays.payers import services as payer_services
from casework.web.access import access_stay, reach_q
from casework.web.guard import page_view


def _author(note: Note) -> str:
    return note.author.get_full_name() or note.author.username


def _attachment(document: StayDocument) -> packet.PacketAttachment:
    with document.file.open("rb") as stored:
        data = stored.read()
    return packet.PacketAttachment(
        title=document.title,
        kind=document.get_kind_display(),
        attached_at=document.uploaded_at,
        attached_by=document.uploaded_by.get_full_name() or document.uploaded_by.username,
        media_type=document.media_type,
        sha256=document.sha256,
        data=data,
    )


def _packet_note(version: NoteVersion) -> packet.PacketNote:
    return packet.PacketNote(
        part2=version.first.part2 or version.latest.part2,
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
    one print naming the notes it holds, the Part 2 notes it disclosed and the consent
    that let them in, or the Part 2 notes it left out."""
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
    part2 = [v for v in versions if v.first.part2 or v.latest.part2]
    consent = coordination.part2_consent_for_payer(consumer_id=stay.consumer_id, payer=stay.payer)
    withheld = [] if consent is not None else part2
    shown = [v for v in versions if v not in withheld]
    documents = list(stays.document_list(stay_id=stay.pk))
    with translation.override("en"):
        attachments = [_attachment(d) for d in documents]
        sections = packet.packet_sections(
            stay=stay,
            denial=denial,
            reviews=payers.packet_reviews(stay_id=stay.pk),
            referrals=stays.referral_list(stay_id=stay.pk),
            appeals=payers.appeals_of_denial(denial_id=denial.pk),
            notes=[_packet_note(v) for v in shown],
            notices=stays.notice_list(stay_id=stay.pk),
            authorizations=payers.authorization_list(stay_id=stay.pk).order_by("created_at", "pk"),
            attachments=attachments,
            part2_notice=PART2_NOTICE if consent is not None and part2 else "",
            part2_scope=consent.scope if consent is not None and part2 else "",
        )
    payer_services.appeal_packet_printed(
        actor=actor,
        denial=denial,
        note_ids=[v.first.pk for v in shown],
        document_ids=[d.pk for d in documents],
        part2_withheld_ids=[v.first.pk for v in withheld],
        part2_disclosed_ids=[v.first.pk for v in part2] if consent is not None else [],
        part2_consent_id=consent.pk if consent is not None and part2 else None,
    )
    body = packet.packet_pdf(
        title=f"Appeal packet: stay {stay.visit_number}, denial {denial.pk}",
        sections=sections,
        attachments=attachments,
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="appeal-packet-{denial.pk}.pdf"'
    return response
