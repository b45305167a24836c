"""Test runner: Django creates the test database as the PGUSER superuser;
then foodorder is installed in it, and the tests run connected as an
application role granted with foodorder.grant_app(), as a deployed app
server would be, so missing privileges show up here."""
from django.db import connection
from django.test.runner import DiscoverRunner

APP_ROLE = 'foodorder_django_app'
CUSTOMER_ROLE = 'foodorder_django_customer'  # linked to a customer by a test
owner = None  # the superuser from PGUSER: creates, drops, plays staff in tests


def connect_as(role):
    """From now on every thread's connection logs in as role (the settings
    dict is shared by all threads); this thread's reconnects at once."""
    connection.close()
    connection.settings_dict['USER'] = role


class FoodorderTestRunner(DiscoverRunner):
    def setup_databases(self, **kwargs):
        global owner
        config = super().setup_databases(**kwargs)
        owner = connection.settings_dict['USER']
        with connection.cursor() as cur:
            cur.execute('CREATE EXTENSION foodorder')
            # roles are cluster-wide: a crashed run may have left them
            for role in (APP_ROLE, CUSTOMER_ROLE):
                cur.execute(f'DROP ROLE IF EXISTS {role}')
                cur.execute(f'CREATE ROLE {role} LOGIN')
            cur.execute('SELECT foodorder.grant_app(%s)', [APP_ROLE])
        connect_as(APP_ROLE)
        return config

    def teardown_databases(self, old_config, **kwargs):
        connect_as(owner)
        super().teardown_databases(old_config, **kwargs)
        with connection.cursor() as cur:
            for role in (APP_ROLE, CUSTOMER_ROLE):
                cur.execute(f'DROP ROLE IF EXISTS {role}')
        connection.close()
