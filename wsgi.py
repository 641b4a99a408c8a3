"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from trainhub import create_app

app = create_app()
