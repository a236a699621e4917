"""Forms of the account itself: logging in."""

from flask_babel import lazy_gettext as _l
from wtforms import Form, PasswordField, StringField
from wtforms.validators import InputRequired, Length


class LoginForm(Form):
    """Username and password; the error for a wrong pair never says which was wrong."""

    username = StringField(_l("Username"), [InputRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), [InputRequired(), Length(max=200)])
