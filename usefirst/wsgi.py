import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "usefirst.settings.production")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, the search dictionary) lives as long as the process.
# Frozen, the collector no longer walks it on every full collection of a worker, and, with the
# application preloaded (deploy/gunicorn.conf.py), no longer writes to the pages the workers
# share with the master (docs/deployment.md, "Processes").
gc.freeze()
