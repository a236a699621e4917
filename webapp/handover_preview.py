"""What a received hand-over says, as civil affairs read it: each HTCDS field with its label."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from forms.choices import COUNTRIES
from forms.return_home import PENDING_SUPPORT
from models import HandoverStatus, IncomingHandover

from .templating import province_name

# The packet's fields in the order a reader wants them; any other field is not shown.
LABELS = {
    "hcd_SenderProvince": _l("Sending province"),
    "hcd_SenderCaseNumber": _l("Sender's case number"),
    "cas_OutgoingReferralDate": _l("Date of the hand-over"),
    "cas_ReferredOrganisation": _l("Receiving agency"),
    "hcd_SupportHandedOver": _l("Support handed over"),
    "hcd_PersonalDataShared": _l("Personal data shared (with the victim's consent)"),
    "prs_FirstName": _l("Name"),
    "prs_Gender": _l("Sex"),
    "hcd_Age": _l("Age"),
    "prs_Nationality": _l("Country of origin"),
    "prs_MailingState": _l("Province of origin"),
    "hcd_Disability": _l("Disability"),
}
GENDER_NAMES = {"Female": _l("female"), "Male": _l("male"), "Unknown": _l("unknown")}
SUPPORT_NAMES = dict(PENDING_SUPPORT)
STATUS_NAMES = {
    HandoverStatus.RECEIVED: _l("waiting for an answer"),
    HandoverStatus.ACCEPTED: _l("accepted"),
    HandoverStatus.REFUSED: _l("refused"),
    HandoverStatus.WITHDRAWN: _l("withdrawn by the sender"),
}


def _value(field: str, value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field in ("hcd_SenderProvince", "prs_MailingState"):
        return province_name(value)
    if field == "prs_Nationality":
        return next((str(c.name) for c in COUNTRIES if c.code == value), value or "")
    if field == "prs_Gender":
        return str(GENDER_NAMES.get(value, value))
    if field == "hcd_SupportHandedOver":
        return ", ".join(str(SUPPORT_NAMES.get(code, code)) for code in value) or "—"
    return "—" if value in (None, "") else str(value)


def preview(handover: IncomingHandover) -> list[tuple[str, str]]:
    """(label, value) of every field the packet carries that a reader needs."""
    packet = handover.packet
    return [(str(label), _value(f, packet[f])) for f, label in LABELS.items() if f in packet]
