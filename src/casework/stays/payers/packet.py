"""The appeal packet of a denial (H4): a PDF with a table of contents, the stay's facts,
the denial, every utilization review with its criteria results, the physician advisor's
determinations and rationale, the case notes written during the stay, the documents of
the stay (the Medicare notices given and the payer's authorizations), the appeals so far,
and the documents attached to the stay, each after a cover page of its own that the table
of contents lists: an image on its cover page, a PDF's pages after it, each page scaled
onto a page of the packet (its links and form fields are not carried over). fpdf2 with
its core fonts (the machinery of the notices and letters, `core.pdf`); pypdf places the
attached PDFs' pages."""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from fpdf import FPDF
from fpdf.outline import OutlineSection
from pypdf import PageObject, PdfReader, PdfWriter, Transformation

from casework.core.pdf import FONT, NumberedPDF
from casework.stays.models import AdvisorReferral, MedicareNotice, Stay, StayReview
from casework.stays.payers.models import StayAppeal, StayAuthorization, StayDenial


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[str]


@dataclass(frozen=True)
class PacketNote:
    """A case note as the packet prints it: first signed when and by whom, its kind, its
    text in the latest version, and when that correction was signed (None: never
    amended)."""

    signed_at: object
    author: str
    kind: str
    text: str
    amended_at: object = None
    part2: bool = False
    """A 42 CFR Part 2 record (only ever here under a consent naming the payer)."""


@dataclass(frozen=True)
class PacketAttachment:
    """A document attached to the stay, as the packet carries it."""

    title: str
    kind: str
    attached_at: object
    attached_by: str
    media_type: str
    sha256: str
    data: bytes

    @cached_property
    def pdf(self) -> PdfReader | None:
        """The document read as a PDF, once (None for an image)."""
        if self.media_type != "application/pdf":
            return None
        return PdfReader(io.BytesIO(self.data))

    def pages(self) -> int:
        """The pages it adds after its cover page (an image sits on its cover page)."""
        return 0 if self.pdf is None else len(self.pdf.pages)


NOTICE_NAMES = {
    "im_initial": "Important Message from Medicare",
    "im_follow_up": "Important Message from Medicare (follow-up copy)",
    "moon": "Medicare Outpatient Observation Notice (MOON)",
}


def _when(value: object) -> str:
    if value is None:
        return "-"
    isoformat = getattr(value, "isoformat", None)
    return (
        isoformat(timespec="minutes")
        if callable(isoformat) and hasattr(value, "hour")
        else str(value)
    )


def _authorization_line(authorization: StayAuthorization) -> str:
    authorized = authorization.authorized_days
    return (
        f"Authorization {authorization.get_level_of_care_display()}: "
        f"{authorization.get_state_display()}; requested {authorization.requested_days}, "
        f"authorized {'-' if authorized is None else authorized} "
        f"({authorization.get_unit_display()}); "
        f"reference {authorization.reference_number or '-'}; "
        f"notification sent {_when(authorization.notification_sent_at)}, "
        f"acknowledged {_when(authorization.acknowledged_at)}"
    )


def packet_sections(
    *,
    stay: Stay,
    denial: StayDenial,
    reviews: Iterable[StayReview],
    referrals: Iterable[AdvisorReferral],
    appeals: Iterable[StayAppeal],
    notes: Iterable[PacketNote] = (),
    notices: Iterable[MedicareNotice] = (),
    authorizations: Iterable[StayAuthorization] = (),
    attachments: Sequence[PacketAttachment] = (),
    part2_notice: str = "",
    part2_scope: str = "",
) -> list[Section]:
    """What the packet holds, section by section (tested without a PDF reader). `notes`
    are those the caller lets into a payer's packet (never a Part 2 record without a
    consent naming the payer). With `part2_notice` (a Part 2 note is in it) the packet
    opens with the 42 CFR 2.32 notice and the scope of the consent it is disclosed
    under."""
    facts = Section(
        "Stay",
        [
            f"Patient: {stay.consumer.given_name} {stay.consumer.family_name}",
            f"Visit number: {stay.visit_number}",
            f"Class: {stay.get_stay_class_display()}",
            f"Admitted: {_when(stay.admitted_at)}",
            f"Inpatient order: {_when(stay.admission_order_at)}",
            f"Discharged: {_when(stay.discharged_at)}",
            f"Attending: {stay.attending or '-'}",
            f"Admitting diagnosis: {stay.admitting_diagnosis or '-'}",
            f"Payer and plan: {stay.payer} {stay.plan}".strip(),
            f"DRG: {stay.drg or '-'}",
        ],
    )
    amount = f"{denial.denied_amount} {denial.currency}" if denial.denied_amount else "-"
    denied = Section(
        "Denial",
        [
            f"Kind: {denial.get_kind_display()}",
            f"Received: {denial.received_date.isoformat()}",
            f"Payer reference: {denial.reference_number or '-'}",
            f"Days denied: {denial.denied_days if denial.denied_days is not None else '-'}",
            f"Amount denied: {amount}",
            f"Payer's reason: {denial.reason}",
        ],
    )
    review_lines: list[str] = []
    for review in reviews:
        reviewer = review.reviewer.get_full_name() or review.reviewer.username
        review_lines.append(
            f"{_when(review.reviewed_at)} {review.kind} review by {reviewer}: {review.outcome} "
            f"({review.criteria_set} {review.criteria_version}, subset {review.subset})"
        )
        review_lines.extend(
            f"    {criterion}: {'met' if met else 'not met'}"
            for criterion, met in sorted(review.results.items())
        )
        if review.licensed_product:
            review_lines.append(
                f"    {review.licensed_product} {review.licensed_version}: {review.licensed_result}"
            )
        if review.notes:
            review_lines.append(f"    Notes: {review.notes}")
    advisor_lines = [
        f"{_when(referral.decided_at)} {referral.determination or referral.state}; attending "
        f"{referral.attending_view}. Rationale: {referral.rationale or '-'}"
        + (f" Peer to peer: {referral.peer_to_peer}" if referral.peer_to_peer else "")
        for referral in referrals
    ]
    appeal_lines = [
        f"Level {appeal.level} ({appeal.level_name}) filed {_when(appeal.filed_at)}"
        f"{' expedited' if appeal.expedited else ''}; "
        f"decision due {_when(appeal.decision_due_at)}; "
        f"outcome {appeal.outcome or 'pending'}"
        for appeal in appeals
    ]
    note_lines: list[str] = []
    for note in notes:
        marked = " (42 CFR Part 2 record)" if note.part2 else ""
        note_lines.append(f"{_when(note.signed_at)} {note.kind} by {note.author}{marked}")
        if note.amended_at is not None:
            note_lines.append(f"    Amended {_when(note.amended_at)}; the corrected text:")
        note_lines.extend(f"    {line}" for line in note.text.splitlines() or [""])
    document_lines = [
        f"{NOTICE_NAMES.get(notice.kind, notice.kind)}: given {_when(notice.delivered_at)}, "
        f"{notice.response}{f' by {notice.signer}' if notice.signer else ''}"
        f" ({notice.language}){'' if notice.timely else ', late'}"
        for notice in notices
    ]
    document_lines += [_authorization_line(a) for a in authorizations]
    notice = (
        [
            Section(
                "42 CFR Part 2 notice",
                [
                    part2_notice,
                    "",
                    "Disclosed with the patient's written consent (42 CFR 2.31) naming this "
                    f"payer. Scope of the consent: {part2_scope}",
                ],
            )
        ]
        if part2_notice
        else []
    )
    return [
        *notice,
        facts,
        denied,
        Section("Utilization reviews and criteria", review_lines or ["No review recorded."]),
        Section("Physician advisor", advisor_lines or ["No physician advisor review."]),
        Section("Case notes during the stay", note_lines or ["No case note during the stay."]),
        Section("Documents of the stay", document_lines or ["No notice or authorization."]),
        Section("Appeals", appeal_lines or ["No appeal filed yet."]),
        Section(
            "Attached documents",
            [
                f"Attachment {n}: {a.title} ({a.kind}), attached {_when(a.attached_at)} by "
                f"{a.attached_by}; {a.media_type}; SHA-256 {a.sha256}"
                for n, a in enumerate(attachments, 1)
            ]
            or ["No document attached to the stay."],
        ),
    ]


def _toc(pdf: FPDF, outline: list[OutlineSection]) -> None:
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 8, "Contents", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    for section in outline:
        pdf.cell(150, 7, section.name)
        pdf.cell(0, 7, str(section.page_number), align="R", new_x="LMARGIN", new_y="NEXT")


def packet_pdf(
    *,
    title: str,
    sections: list[Section],
    attachments: Sequence[PacketAttachment] = (),
    compress: bool = True,
) -> bytes:
    # The packet is written in English for the payer's reviewers.
    pdf = NumberedPDF(title=title, language="en")
    pdf.set_compression(compress)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    # One contents page holds about 30 lines.
    pdf.insert_toc_placeholder(_toc, pages=1 + (len(sections) + len(attachments)) // 30)
    for section in sections:
        pdf.add_page()
        pdf.start_section(section.title)
        pdf.set_font(FONT, "B", 14)
        pdf.multi_cell(0, 7, section.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)
        for line in section.lines:
            pdf.multi_cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    # Each attachment: a cover page in the contents, then its pages. A PDF's pages are
    # left blank here (numbered in the footer) and filled below, so that the contents'
    # page numbers hold.
    placeholders: list[tuple[int, PacketAttachment]] = []
    for n, attachment in enumerate(attachments, 1):
        pdf.add_page()
        pdf.start_section(f"Attachment {n}: {attachment.title}")
        pdf.set_font(FONT, "B", 14)
        pdf.multi_cell(0, 7, f"Attachment {n}: {attachment.title}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)
        pages = attachment.pages()
        pdf.multi_cell(
            0,
            5.5,
            f"{attachment.kind}, attached {_when(attachment.attached_at)} by "
            f"{attachment.attached_by}; SHA-256 {attachment.sha256}"
            + (f"; {pages} page(s) follow." if pages else ""),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        if not pages:
            pdf.ln(4)
            pdf.image(
                io.BytesIO(attachment.data),
                w=pdf.epw,
                h=pdf.eph - pdf.get_y(),
                keep_aspect_ratio=True,
            )
        if pages:
            placeholders.append((pdf.page_no(), attachment))  # the index of its first page
        for _ in range(pages):
            pdf.add_page()
    body = bytes(pdf.output())
    if not placeholders:
        return body
    return _place_pages(body, placeholders, compress=compress)


def _place_pages(
    body: bytes, placeholders: list[tuple[int, PacketAttachment]], *, compress: bool
) -> bytes:
    """Scale each attached PDF's pages onto its blank packet pages (from the index given,
    in `body`), within the margins and above the page number."""
    writer = PdfWriter(clone_from=io.BytesIO(body))
    for first, attachment in placeholders:
        assert attachment.pdf is not None  # only a PDF has pages to place
        for offset, source in enumerate(attachment.pdf.pages):
            target = writer.pages[first + offset]
            width, height = float(target.mediabox.width), float(target.mediabox.height)
            box_w, box_h = width - 2 * MARGIN_PT, height - MARGIN_PT - FOOTER_PT
            upright, src_w, src_h = _upright(source)
            scale = min(box_w / src_w, box_h / src_h)
            left = MARGIN_PT + (box_w - src_w * scale) / 2
            bottom = FOOTER_PT + (box_h - src_h * scale) / 2
            target.merge_transformed_page(
                source, upright.scale(scale, scale).translate(left, bottom)
            )
            if compress:
                target.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _upright(page: PageObject) -> tuple[Transformation, float, float]:
    """The transformation that brings `page`'s content to the origin as it is shown (its
    /Rotate applied, clockwise), with the width and height it then has."""
    box = page.mediabox
    width, height = float(box.width), float(box.height)
    to_origin = Transformation().translate(-float(box.left), -float(box.bottom))
    rotation = page.rotation % 360
    if rotation == 90:
        return to_origin.rotate(-90).translate(0, width), height, width
    if rotation == 180:
        return to_origin.rotate(180).translate(width, height), width, height
    if rotation == 270:
        return to_origin.rotate(90).translate(height, 0), height, width
    return to_origin, width, height


# Where an attached page goes on a packet page (points): the margins, and the band at the
# bottom that holds the page number.
MARGIN_PT = 28.0
FOOTER_PT = 42.0
