"""Production mode: refuse to start without its secrets; serve with gunicorn plus timers."""

import os
import signal
import subprocess
import sys

import click

MISSING = (
    "Homecoming will not start in production without {names}: set {names} in the "
    "environment (SECRET_KEY: `python -c 'import secrets; print(secrets.token_hex(32))'`;"
    " HOMECOMING_DATA_KEY: the data key of the encryption at rest)."
)


def refuse_without_secrets(config) -> None:
    """Stop at once, saying what is missing, when a production secret is unset."""
    required = config.get("REQUIRED_SECRETS", ())
    missing = [" or ".join(names) for names in required if not any(map(os.environ.get, names))]
    if missing:
        raise SystemExit(MISSING.format(names=" and ".join(missing)))


def _flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "webapp", *args]


@click.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="Address to serve.")
@click.option("--workers", default=4, show_default=True, help="gunicorn worker processes.")
@click.option("--timer-workers", default=1, show_default=True, help="Timer worker processes.")
def serve_command(bind, workers, timer_workers):
    """Upgrade the schema, sync departments, then serve with gunicorn beside timer workers."""
    env = {**os.environ, "HOMECOMING_ENV": "production"}
    subprocess.run(_flask("db", "upgrade"), env=env, check=True)
    subprocess.run(_flask("departments", "sync"), env=env, check=True)
    children = [subprocess.Popen(_flask("timers", "run"), env=env) for _ in range(timer_workers)]
    children.append(
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--bind",
                bind,
                "webapp.wsgi:app",
            ],
            env=env,
        )
    )
    _wait_then_stop(children)


def _wait_then_stop(children) -> None:
    """Wait until any child ends or we are told to stop, then stop the others."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        os.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            child.wait(timeout=30)
