"""Security headers on every response (Flask-Talisman), and no caching of any page."""

from flask import request
from flask_talisman import Talisman

# No inline script anywhere: data for scripts travels in <script type="application/json">.
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    # bpmn-js positions its canvas, overlays and popups with style attributes it sets itself;
    # style attributes cannot run script. No <style> element and no inline script is allowed.
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
talisman = Talisman()


def register_headers(app) -> None:
    """CSP, frame-ancestors, nosniff, Referrer-Policy; `no-store` on everything but assets."""
    secure = bool(app.config.get("SESSION_COOKIE_SECURE"))
    talisman.init_app(
        app,
        content_security_policy=CSP,
        force_https=False,
        frame_options="DENY",
        referrer_policy="same-origin",
        session_cookie_secure=secure,
        strict_transport_security=secure,
    )

    @app.after_request
    def no_store(response):
        # Every page but the static assets may show a victim's data: keep none in any cache.
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response
