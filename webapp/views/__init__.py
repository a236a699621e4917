"""Thin blueprints: parse the request, check access, call the domain, commit once, answer."""
