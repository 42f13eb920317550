"""The web reader: a small read-only ASGI app (Starlette, Jinja2 templates, feedgen Atom feeds)."""
