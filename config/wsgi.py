"""The WSGI application (gunicorn: ``config.wsgi:application``; ``runserver`` via WSGI_APPLICATION):
Django, with the public reads of ``settings.LEAN_PATHS`` answered on the short path of
``geo.lean.LeanApplication``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

from geo.lean import LeanApplication  # noqa: E402 - needs the settings configured above

application = LeanApplication(django_application)
