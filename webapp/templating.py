"""Helpers every template may call: translated names of departments and steps."""

from flask_babel import format_date, format_datetime, format_timedelta, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from exchange import incoming
from forms.choices import PROVINCES
from forms.consent import GIVERS, METHODS, PURPOSES
from forms.referrals import KINDS, SERVICES, STATUS_NAMES
from forms.registry import FORMS
from models import DEPARTMENTS
from workflows.measures import BY_CODE as MEASURES
from workflows.names import chinese_name
from workflows.notifications import unread_count

from .access import (
    may_edit_service_levels,
    may_evaluate,
    may_export_rows,
    may_freeze_evaluations,
    may_manage_incidents,
    may_open_cases,
    may_receive_handovers,
)
from .audit_actions import action_name, action_names

# The names `departments sync` writes into the database: read here without a query per name
# (a long timeline names a department on every event).
_NAMES = {code: (name_en, name_zh) for code, name_en, name_zh in DEPARTMENTS}


def department_name(code: str) -> str:
    """A department's name in the user's language."""
    if code not in _NAMES:
        return code
    name_en, name_zh = _NAMES[code]
    return name_zh if str(get_locale()) == "zh" else name_en


def translated(message) -> str:
    """A workflow message (check problem, migration reason) in the user's language."""
    template = getattr(message, "template", None)
    if template is None:
        return str(message)
    return _(template, **message.params)


# Accounts named for what they are rather than for a person: a department's desk (`police`),
# its head's (`police_head`) and the oversight roles. Their stored (English) names read in
# Chinese as their department's Chinese name.
_ROLE_ACCOUNTS = {
    "manager": _l("Manager"),
    "reviewer": _l("Reviewer"),
    "admin": _l("Administrator"),
}


def person_name(user) -> str:
    """The name to show for a user: in Chinese, a desk account as its department's name."""
    if str(get_locale()) != "zh":
        return user.display_name
    code = user.username.removesuffix("_head")
    if code in _NAMES:
        name = department_name(code)
        return name if code == user.username else _("Head, %(department)s", department=name)
    if user.username in _ROLE_ACCOUNTS:
        return str(_ROLE_ACCOUNTS[user.username])
    return user.display_name


def province_name(code: str | None) -> str:
    """A province's name in the reader's language, or the code if it is none of China's."""
    return next((str(p.name) for p in PROVINCES if p.code == code), code or "")


def party_name(code: str) -> str:
    """Who a case was handed to or from: a department's or province's name, else the code."""
    if code in _NAMES:
        return department_name(code)
    return province_name(code)


def measure_title(code: str | None) -> str:
    """A plan measure's title in the user's language (its code if unknown)."""
    measure = MEASURES.get(code)
    if measure is None:
        return code or ""
    return measure.title_zh if str(get_locale()) == "zh" else measure.title_en


def step_title(form_key: str) -> str:
    """A step's title (its form's), translated."""
    form = FORMS.get(form_key)
    return str(form.title) if form else form_key


def rule_name(failure) -> str:
    """A failed rule's element (an incident's or a RuleFailed's) named in the user's language."""
    if str(get_locale()) == "zh":
        name = chinese_name(failure.pathway_version_id, failure.element_id)
        if name:
            return name
    return failure.element_name or failure.element_id


def rule_failed_message(failure) -> str:
    """The page's answer when a diagram's rule failed: what, who knows, that nothing was lost."""
    kept = _("Nothing you typed was saved; it is still below so that you can copy it.")
    return f"{rule_failed(failure)} {kept}"


def rule_failed(failure) -> str:
    """That the step cannot continue since a diagram's rule failed, and that a manager knows."""
    return _(
        "This step cannot continue: the diagram's rule %(rule)s failed; a manager has been told.",
        rule=rule_name(failure),
    )


def _labeller(choices):
    labels = dict(choices)
    return lambda value: str(labels.get(value, value))


def register_template_helpers(app) -> None:
    """Expose the helpers to Jinja."""
    app.jinja_env.globals.update(
        department_name=department_name,
        step_title=step_title,
        format_date=format_date,
        rule_name=rule_name,
        action_name=action_name,
        action_names=action_names,
        person_name=person_name,
        translated=translated,
        measure_title=measure_title,
        party_name=party_name,
        format_datetime=format_datetime,
        format_timedelta=format_timedelta,
        current_locale=lambda: str(get_locale()),
        current_user=current_user,
        may_open_cases=may_open_cases,
        may_manage_incidents=may_manage_incidents,
        may_edit_service_levels=may_edit_service_levels,
        may_freeze_evaluations=may_freeze_evaluations,
        may_export_rows=may_export_rows,
        may_evaluate=may_evaluate,
        may_receive_handovers=may_receive_handovers,
        waiting_handovers=incoming.waiting,
        unread_notifications=unread_count,
        consent_purpose=_labeller(PURPOSES),
        consent_method=_labeller(METHODS),
        consent_giver=_labeller(GIVERS),
        service_name=_labeller(SERVICES),
        organisation_kind=_labeller(KINDS),
        referral_status=_labeller(STATUS_NAMES.items()),
    )
