"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from ebw_training import create_app

app = create_app()
