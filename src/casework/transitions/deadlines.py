"""Transition clocks as deadline rows (regulatory-timers.md C), registered in `apps.py`
with the page each is worked on, so every open one is listed on its owner's worklist.

Follow-up, TCM contact and handoff receipt hang on the stay (subject `transition`, the
stay's id; their page is the stay's transition page); a stalled referral hangs on the
referral (its page is the referral's); a sequencing barrier's response clock hangs on the
barrier (subject `sequencing_barrier`): its level is the row's `escalation_level`, and
the sweep's handler (`services.sequencing_level_lapsed`) moves it to the next level."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from casework.transitions.rules import TransitionDeadline

STAY_SUBJECT = "transition"
REFERRAL_SUBJECT = "community_referral"
BARRIER_SUBJECT = "sequencing_barrier"

KIND_LABELS: dict[str, str | Promise] = {
    TransitionDeadline.FOLLOW_UP: _("Post-discharge follow-up contact due"),
    TransitionDeadline.TCM_CONTACT: _("TCM interactive contact due (2 business days)"),
    TransitionDeadline.HANDOFF_RECEIPT: _("Handoff receipt not confirmed"),
    TransitionDeadline.REFERRAL_STALLED: _("Community referral stalled"),
    TransitionDeadline.SEQUENCING_RESPONSE: _("Sequencing barrier awaiting response"),
}
KIND_PAGES: dict[str, str] = {
    TransitionDeadline.FOLLOW_UP: "transition_detail",
    TransitionDeadline.TCM_CONTACT: "transition_detail",
    TransitionDeadline.HANDOFF_RECEIPT: "transition_detail",
    TransitionDeadline.REFERRAL_STALLED: "referral_detail",
    TransitionDeadline.SEQUENCING_RESPONSE: "sequencing_barrier_detail",
}
DISCHARGE_KINDS = (
    TransitionDeadline.FOLLOW_UP,
    TransitionDeadline.TCM_CONTACT,
    TransitionDeadline.HANDOFF_RECEIPT,
)
