"""What each audited action is called on the pages (the audit log stores its code)."""

from flask_babel import lazy_gettext as _l

NAMES = {
    "case_viewed": _l("viewed the case"),
    "case_listed": _l("saw the case in a case list"),
    "case_found": _l("found the case by its number"),
    "case_found_by_name": _l("found the case by the victim's name"),
    "case_opened": _l("opened the case"),
    "cases_linked": _l("linked the case to an earlier one"),
    "case_reopen_requested": _l("asked to re-open the case"),
    "case_reopen_refused": _l("was refused re-opening the case"),
    "case_reopened": _l("re-opened the case"),
    "match_dismissed": _l("dismissed a likely match"),
    "consent_recorded": _l("recorded a consent"),
    "consent_viewed": _l("viewed the consents"),
    "document_attached": _l("attached a document"),
    "document_downloaded": _l("downloaded a document"),
    "diagram_viewed": _l("viewed the diagram"),
    "task_viewed": _l("viewed a step"),
    "task_claimed": _l("claimed a step"),
    "task_released": _l("released a step"),
    "task_completed": _l("completed a step"),
    "task_reassigned": _l("gave a step to a colleague"),
    "task_reassign_refused": _l("tried to give a step to a colleague"),
    "referral_sent": _l("sent a referral"),
    "referral_viewed": _l("viewed a referral"),
    "referral_answered": _l("answered a referral"),
    "referral_link_opened": _l("opened a referral link"),
    "handover_received": _l("received the case from another province"),
    "handover_withdrawn": _l("withdrew a hand-over"),
    "handover_withdrawal_requested": _l("asked to withdraw the case's hand-over"),
    "handover_withdrawal_refused": _l("was refused withdrawing the case's hand-over"),
    "handover_refused": _l("was refused a hand-over"),
    "inbox_listed": _l("listed the inbox"),
    "alerts_viewed": _l("viewed the re-trafficking alerts"),
    "audit_viewed": _l("viewed the audit log"),
    "audit_exported": _l("exported the audit log"),
    "row_export_requested": _l("asked for a row-level export (HTCDS v2)"),
    "rows_exported": _l("exported case rows (HTCDS v2)"),
    "row_export_refused": _l("was refused a row-level export"),
    "export_grant_given": _l("let a user include sensitive classes in row exports"),
    "export_grant_revoked": _l("revoked a permission to include sensitive classes in row exports"),
}


def action_name(code: str) -> str:
    """The action's name in the reader's language (its code if it has none yet)."""
    name = NAMES.get(code)
    return str(name) if name else code
