import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hashbank.settings")
django_application = get_wsgi_application()

# After django.setup(): a client known past its failed-attempt limit is answered in front of
# Django's handler (issue 17). gunicorn, `make run` (runserver reads WSGI_APPLICATION) and the
# Docker image all serve this.
from member_portal.api.early_refusal import FrontRefusal  # noqa: E402

application = FrontRefusal(django_application)
