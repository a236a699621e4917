"""The WSGI entry point for gunicorn: `gunicorn webapp.wsgi:app` (config from the environment)."""

from . import create_app

app = create_app()
