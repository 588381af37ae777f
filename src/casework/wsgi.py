import os

from django.core.wsgi import get_wsgi_application

from casework.settings.files import PRIVATE_UMASK

os.umask(PRIVATE_UMASK)  # the files the application writes hold PHI: owner-only
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings.dev")
application = get_wsgi_application()
