"""What the API tests share: the extension owner's own connection, for
what the API does not do (the menu, staff steps, checking the books), and
JSON requests through Django's test client, each answer checked against
examples/openapi.json (openapi.py) before the test sees it.

TransactionTestCase, not TestCase: the calls must really commit, as other
connections (the owner's, the threads') look at the results.  Each test
makes its own restaurant, dishes and customers, so no test sees another's.
"""
import json
import os

import psycopg2
from django.db import connection
from django.test import TransactionTestCase

from . import openapi, runner

SPEC = openapi.Spec.load()


def owner_connection(autocommit=True):
    settings = connection.settings_dict
    conn = psycopg2.connect(dbname=settings['NAME'], user=runner.owner or None,
                            host=settings['HOST'] or None, port=settings['PORT'] or None)
    conn.autocommit = autocommit
    return conn


class ApiTestCase(TransactionTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = owner_connection()

    @classmethod
    def tearDownClass(cls):
        cls.owner.close()
        super().tearDownClass()

    def sql(self, query, *params):
        """Rows of query run as the extension owner."""
        with self.owner.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall() if cur.description else None

    def value(self, query, *params):
        return self.sql(query, *params)[0][0]

    def restaurant(self, delivery_fee_cents=0):
        return self.value('SELECT foodorder.add_restaurant(%s, %s)',
                          'Test kitchen', delivery_fee_cents)

    def dish(self, restaurant, price_cents=1000, stock=10, name='Dish'):
        return self.value('SELECT foodorder.add_dish(%s, %s, %s, %s)',
                          restaurant, name, price_cents, stock)

    def customer(self, name='Customer'):
        return self.value('SELECT foodorder.add_customer(%s)', name)

    def stock_and_sold(self, dish):
        return self.sql('SELECT stock, sold FROM foodorder.menu WHERE id = %s', dish)[0]

    def request(self, method, path, body=None, client=None):
        """The response to one JSON request, checked against the API's
        OpenAPI file: the test fails on an answer the file does not allow."""
        data = body if isinstance(body, (str, bytes)) else json.dumps(body or {})
        response = (client or self.client).generic(method, path, data,
                                                   content_type='application/json')
        try:
            decoded = json.loads(response.content)
        except ValueError:
            decoded = response.content.decode(errors='replace')
        problems, key = SPEC.check(method, path, response.status_code, response.headers,
                                  decoded, None if isinstance(body, (str, bytes)) else body or {})
        if problems:
            self.fail(f'{method} {path}: the answer breaks examples/openapi.json:\n  '
                      + '\n  '.join(problems))
        openapi.exercised.add((key, response.status_code))
        record = os.environ.get('FOODORDER_OPENAPI_RECORD')
        if record:  # JSON lines for tests/openapi.py or another checker to read again
            with open(record, 'a') as f:
                f.write(json.dumps({'method': method, 'url': path,
                                    'status': response.status_code,
                                    'headers': dict(response.headers.items()), 'body': decoded,
                                    'request_body': None if isinstance(body, (str, bytes))
                                    else body}) + '\n')
        return response

    def call(self, method, path, body=None):
        """(status, decoded JSON) of one request, checked as request() does."""
        response = self.request(method, path, body)
        return response.status_code, response.json()

    def assert_error(self, answer, status, sqlstate):
        """answer is a (status, JSON) error with this SQLSTATE; returns its body."""
        self.assertEqual(answer[0], status, answer[1])
        self.assertEqual(answer[1]['error']['sqlstate'], sqlstate, answer[1])
        self.assertTrue(answer[1]['error']['message'])
        return answer[1]['error']
