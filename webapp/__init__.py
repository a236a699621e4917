"""The Homecoming web app: the factory wires config, extensions, blueprints and the CLI."""

from flask import Flask

from models import db

from .cli import register_cli
from .config import INSTANCE, Config
from .database import configure_sqlite
from .extensions import babel, migrate


def create_app(config: type[Config] | None = None) -> Flask:
    """Build the app with `config` (default: Config, driven by the environment)."""
    INSTANCE.mkdir(exist_ok=True)
    app = Flask(__name__, instance_path=str(INSTANCE))
    app.config.from_object(config or Config)
    db.init_app(app)
    migrate.init_app(app, db)
    babel.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    register_cli(app)
    return app
