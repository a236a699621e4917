"""Flask extensions, bound to the app in the factory (the database handle lives in models/)."""

from pathlib import Path

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

babel = Babel()
migrate = Migrate(directory=str(MIGRATIONS))
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.session_protection = "strong"
