"""The Homecoming web app: the factory wires config, extensions, blueprints and the CLI."""

from models import crypto, db

from . import request_checks
from .api import init_api
from .cli import register_cli
from .config import INSTANCE, Config, config_from_environment
from .database import RetryingFlask, configure_sqlite
from .errors import register_error_pages
from .extensions import babel, csrf, login_manager, migrate
from .headers import register_headers
from .production import refuse_without_secrets
from .ratelimit import limiter
from .templating import register_template_helpers
from .transaction import register_transaction
from .views import (
    account,
    admin,
    audit,
    auth,
    cases,
    consent,
    department,
    diagrams,
    directory,
    documents,
    evaluation,
    export_grants,
    frozen,
    handovers,
    inbox,
    incidents,
    intake,
    links,
    matches,
    notifications,
    referrals,
    row_export,
    second_factor,
    service_levels,
    tasks,
)


def create_app(config: type[Config] | None = None) -> RetryingFlask:
    """Build the app with `config` (default: Config, or ProductionConfig by HOMECOMING_ENV)."""
    INSTANCE.mkdir(exist_ok=True)
    app = RetryingFlask(__name__, instance_path=str(INSTANCE))
    app.config.from_object(config or config_from_environment())
    refuse_without_secrets(app.config)
    crypto.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db)
    babel.init_app(app, locale_selector=auth.select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    register_headers(app)
    request_checks.init_app(app)  # before the blueprints: it bounds their ids
    with app.app_context():
        configure_sqlite(db.engine)
    blueprints = (
        auth.bp,
        second_factor.bp,
        admin.bp,
        account.bp,
        inbox.bp,
        tasks.bp,
        intake.bp,
        cases.bp,
        consent.bp,
        referrals.bp,
        links.bp,
        directory.bp,
        matches.bp,
        documents.bp,
        diagrams.bp,
        audit.bp,
        incidents.bp,
        service_levels.bp,
        department.bp,
        notifications.bp,
        evaluation.bp,
        frozen.bp,
        row_export.bp,
        export_grants.bp,
        handovers.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    init_api(app)
    register_template_helpers(app)
    register_transaction(app)
    register_error_pages(app)
    register_cli(app)
    return app
