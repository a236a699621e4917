"""The Homecoming web app: the factory wires config, extensions, blueprints and the CLI."""

from flask import Flask

from models import db

from .cli import register_cli
from .config import INSTANCE, Config
from .database import configure_sqlite
from .errors import register_error_pages
from .extensions import babel, csrf, login_manager, migrate
from .templating import register_template_helpers
from .transaction import register_transaction
from .views import audit, auth, cases, diagrams, inbox, intake, tasks


def create_app(config: type[Config] | None = None) -> Flask:
    """Build the app with `config` (default: Config, driven by the environment)."""
    INSTANCE.mkdir(exist_ok=True)
    app = Flask(__name__, instance_path=str(INSTANCE))
    app.config.from_object(config or Config)
    db.init_app(app)
    migrate.init_app(app, db)
    babel.init_app(app, locale_selector=auth.select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    for blueprint in (auth.bp, inbox.bp, tasks.bp, intake.bp, cases.bp, diagrams.bp, audit.bp):
        app.register_blueprint(blueprint)
    register_template_helpers(app)
    register_transaction(app)
    register_error_pages(app)
    register_cli(app)
    return app
