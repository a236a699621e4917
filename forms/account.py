"""Forms of the account itself: logging in, with a second factor for oversight roles."""

from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectField
from wtforms.validators import InputRequired, Length

from .base import TaskMeta
from .fields import AccountTextField, SecretField


class LoginForm(Form):
    """Username and password; the error for a wrong pair never says which was wrong."""

    Meta = TaskMeta

    username = AccountTextField(_l("Username"), [InputRequired(), Length(max=80)])
    password = SecretField(_l("Password"), [InputRequired(), Length(max=200)])


class SecondFactorForm(Form):
    """The six-digit code of the authenticator app (a phone offers its number keys)."""

    Meta = TaskMeta

    code = AccountTextField(
        _l("Code from the authenticator app"),
        [InputRequired(), Length(min=6, max=8)],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )


class ApiTokenForm(Form):
    """A new API token: a name to recognise it by, and what it may do (the view sets the
    choices the account may give)."""

    Meta = TaskMeta

    name = AccountTextField(_l("Token name"), [InputRequired(), Length(max=80)])
    scope = SelectField(_l("Scope"), [InputRequired()], choices=[])
