"""The WSGI application (the server, config/server.py, wraps it; ``runserver`` via WSGI_APPLICATION).
Public reads take a shorter middleware chain inside Django (``geo.public``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
