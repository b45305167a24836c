"""Settings of the foodorder example API: one database, no models, no
sessions, no admin.  The database is the one libpq's PG* variables name."""
import os

SECRET_KEY = os.environ.get('DJANGO_SECRET_KEY', 'foodorder-example-not-secret')
DEBUG = os.environ.get('DJANGO_DEBUG') == '1'
ALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS', 'localhost,127.0.0.1').split(',')

INSTALLED_APPS = []
MIDDLEWARE = []
ROOT_URLCONF = 'foodorder_api.urls'
APPEND_SLASH = False
USE_TZ = True
TIME_ZONE = 'UTC'

# PGHOST may be a socket directory.  In production PGUSER is a role the
# extension owner granted with foodorder.grant_app(); the tests switch to
# such a role themselves (see tests/runner.py).
DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.postgresql',
        'NAME': os.environ.get('PGDATABASE', 'postgres'),
        'USER': os.environ.get('PGUSER', ''),
        'HOST': os.environ.get('PGHOST', ''),
        'PORT': os.environ.get('PGPORT', ''),
        'TEST': {'NAME': 'foodorder_django_test'},
    },
}

TEST_RUNNER = 'foodorder_api.tests.runner.FoodorderTestRunner'

LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'handlers': {'console': {'class': 'logging.StreamHandler'}},
    'loggers': {'foodorder_api': {'handlers': ['console'], 'level': 'WARNING'}},
}
