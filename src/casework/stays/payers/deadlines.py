"""Payer clocks (H2, H4) as deadline rows run by `core.clocks`, registered in the stays
`AppConfig.ready()` with the page of their subject, so a running clock is on its owner's
worklist. An authorization's clocks have the authorization as subject; a denial's
filing and appeal-decision clocks have the denial (one appeal is pending at a time)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

AUTHORIZATION = "stay_authorization"
DENIAL = "stay_denial"
PEER_TO_PEER = "stay_peer_to_peer"
EDUCATION = "stay_denial_education"


class PayerDeadline(models.TextChoices):
    """Deadline kinds of the payer interface (stored values: never change)."""

    NOTIFY = "stay_payer_notify", _("Notify the payer of the admission")
    DECISION = "stay_payer_decision", _("Payer's authorization decision due")
    REVIEW = "stay_payer_review", _("Next clinical review to the payer due")
    APPEAL_FILE = "stay_appeal_file", _("File the appeal of the denial")
    APPEAL_DECISION = "stay_appeal_decision", _("Payer's appeal decision due")
    PEER_TO_PEER = "stay_peer_to_peer", _("Peer-to-peer with the payer due")
    EDUCATION = "stay_denial_education", _("Denial prevention education due")


PAGES = {
    PayerDeadline.NOTIFY: "stay_authorization_page",
    PayerDeadline.DECISION: "stay_authorization_page",
    PayerDeadline.REVIEW: "stay_authorization_page",
    PayerDeadline.APPEAL_FILE: "stay_denial_page",
    PayerDeadline.APPEAL_DECISION: "stay_denial_page",
    PayerDeadline.PEER_TO_PEER: "stay_peer_to_peer_page",
    PayerDeadline.EDUCATION: "denial_education_page",
}
