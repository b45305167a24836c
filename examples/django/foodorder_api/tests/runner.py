"""Test runner: Django creates the test database as the PGUSER superuser;
then foodorder is installed in it, and the tests run connected as an
application role granted with foodorder.grant_app(), as a deployed app
server would be, so missing privileges show up here.

Behind PgBouncer (scripts/pooler: PGHOST is FOODORDER_POOLER), the pooler
keeps server connections to the test database open after the tests close
theirs, so before Django drops the database the runner has the pooler
drop them (KILL on its admin console), and counts the tests' connections
as the pooler's clients rather than the server's backends.

Against the router of a sharded deployment (scripts/shards: PGHOST is the
router's host in $FOODORDER_SHARDS/router), the test database is made a
sharded one instead: `scripts/shards createdb` gives it foodorder_router
and a partition database on the nodes for each partition, and
`scripts/shards dropdb` drops them all after.  The roles are made on the
router's cluster; granting them through the router makes them on the
nodes, where the runner drops them again at the end.

When the whole suite runs, the runner adds one test at its end,
coverage.CoverageTest: every operation of examples/openapi.json (and
every documented status but 500 and 503) was met by the tests' requests."""
import os
import pathlib
import subprocess
import time

import psycopg2
from django.db import connection
from django.test.runner import DiscoverRunner

APP_ROLE = 'foodorder_django_app'
CUSTOMER_ROLE = 'foodorder_django_customer'  # linked to a customer by a test
NOBODY_ROLE = 'foodorder_django_nobody'  # granted nothing: refused everywhere
ROLES = (APP_ROLE, CUSTOMER_ROLE, NOBODY_ROLE)
owner = None  # the superuser from PGUSER: creates, drops, plays staff in tests
WAIT_SECONDS = 120  # bound for backends to go away: a busy machine is slow, not broken


def behind_pooler():
    pooler = os.environ.get('FOODORDER_POOLER')
    return bool(pooler) and connection.settings_dict['HOST'] == pooler


SHARDS_SCRIPT = pathlib.Path(__file__).resolve().parents[4] / 'scripts' / 'shards'


def shards_file(name):
    """Lines of a file in the sharded deployment's state folder, split into
    fields ([] without a deployment)."""
    folder = os.environ.get('FOODORDER_SHARDS')
    try:
        with open(os.path.join(folder, name)) as f:
            return [line.split() for line in f if line.strip()]
    except (TypeError, OSError):
        return []


def behind_router():
    """True when the tests' database server is a sharded deployment's router."""
    router = shards_file('router')
    return bool(router) and connection.settings_dict['HOST'] == router[0][1]


def shards(command, database):
    """scripts/shards createdb|dropdb database, its output shown on failure."""
    done = subprocess.run([str(SHARDS_SCRIPT), command, database],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        raise RuntimeError(f'scripts/shards {command} {database} failed:\n{done.stdout}')


def on_nodes(statements):
    """Run statements on every shard node's postgres database as the owner."""
    for _name, host, port, _datadir in shards_file('nodes'):
        conn = psycopg2.connect(dbname='postgres', user=owner or None, host=host, port=port)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                for statement in statements:
                    cur.execute(statement)
        finally:
            conn.close()


def drop_roles_on_nodes(roles):
    """The roles granting made on the shard nodes, dropped there: the
    partition databases, which held their privileges, are gone by now."""
    on_nodes([f'DROP ROLE IF EXISTS {role}' for role in roles])


def pooler_console(statement):
    """Rows (as dicts) of one statement on PgBouncer's admin console."""
    settings = connection.settings_dict
    conn = psycopg2.connect(dbname='pgbouncer', user=owner or None,
                            host=settings['HOST'] or None, port=settings['PORT'] or None)
    conn.autocommit = True  # the console takes no BEGIN
    try:
        with conn.cursor() as cur:
            cur.execute(statement)
            if cur.description is None:
                return []
            names = [c.name for c in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]
    finally:
        conn.close()


def connect_as(role):
    """From now on every thread's connection logs in as role (the settings
    dict is shared by all threads); this thread's reconnects at once."""
    connection.close()
    connection.settings_dict['USER'] = role


def pooler_clients(role):
    """Client connections role has open through the pooler to the test
    database (the pooler's server connections stay open, by design)."""
    database = connection.settings_dict['NAME']
    return sum(1 for c in pooler_console('SHOW CLIENTS')
               if c['user'] == role and c['database'] == database)


class FoodorderTestRunner(DiscoverRunner):
    def build_suite(self, test_labels=None, extra_tests=None, **kwargs):
        suite = super().build_suite(test_labels, extra_tests, **kwargs)
        whole = (not test_labels or list(test_labels) in (['foodorder_api'], ['.'])) \
            and not self.test_name_patterns
        if whole:  # a part of the suite cannot cover the API
            from .coverage import CoverageTest
            suite.addTest(CoverageTest('test_every_operation_and_status_was_exercised'))
        return suite

    def setup_databases(self, **kwargs):
        global owner
        sharded = behind_router()
        if sharded:
            # partition databases a crashed run left behind would stop createdb
            shards('dropdb', connection.creation._get_test_db_name())
        config = super().setup_databases(**kwargs)
        owner = connection.settings_dict['USER']
        if sharded:
            connection.close()  # createdb runs its own sessions
            shards('createdb', connection.settings_dict['NAME'])
        with connection.cursor() as cur:
            if not sharded:
                cur.execute('CREATE EXTENSION foodorder')
            # roles are cluster-wide: a crashed run may have left them
            for role in ROLES:
                cur.execute(f'DROP ROLE IF EXISTS {role}')
                cur.execute(f'CREATE ROLE {role} LOGIN')
            cur.execute('SELECT foodorder.grant_app(%s)', [APP_ROLE])
        if sharded:
            # Granting makes a role on the nodes; the role granted nothing
            # gets one too, as a revoked role has: a role the nodes do not
            # know fails to connect there (08001), not 42501.
            on_nodes([f'DROP ROLE IF EXISTS {NOBODY_ROLE}', f'CREATE ROLE {NOBODY_ROLE} LOGIN'])
        connect_as(APP_ROLE)
        return config

    def teardown_databases(self, old_config, **kwargs):
        connect_as(owner)
        if behind_pooler():
            self.release_pooled_connections(connection.settings_dict['NAME'])
        sharded = behind_router()
        database = connection.settings_dict['NAME']
        try:
            super().teardown_databases(old_config, **kwargs)
        finally:
            if sharded:  # the partition databases on the nodes (and the router's, if left)
                shards('dropdb', database)
        with connection.cursor() as cur:
            for role in ROLES:
                cur.execute(f'DROP ROLE IF EXISTS {role}')
        connection.close()
        if sharded:
            drop_roles_on_nodes(ROLES)

    @staticmethod
    def release_pooled_connections(database):
        """Make the pooler close its server connections to database, and
        wait until their backends are gone, so DROP DATABASE can run."""
        pooler_console(f'KILL {database}')
        pooler_console(f'RESUME {database}')  # KILL also holds new clients back
        deadline = time.monotonic() + WAIT_SECONDS
        settings = connection.settings_dict
        conn = psycopg2.connect(dbname='postgres', user=owner or None,
                                host=settings['HOST'] or None, port=settings['PORT'] or None)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                while True:
                    cur.execute('SELECT count(*) FROM pg_stat_activity WHERE datname = %s',
                                [database])
                    left = cur.fetchone()[0]
                    if left == 0:
                        return
                    if time.monotonic() > deadline:
                        raise RuntimeError(f'{left} backends still use {database}'
                                           f' {WAIT_SECONDS} s after KILL on the pooler')
                    time.sleep(0.1)
        finally:
            conn.close()
