"""A rush on one dish: 20 customers at once, each in its own thread and so
on its own Django connection, calling the order view without HTTP."""
import json
import random
import threading
import time

from django.db import connection
from django.test import RequestFactory

from .. import views
from . import openapi, runner
from .base import SPEC, ApiTestCase

CUSTOMERS = 20
PORTIONS = 12


class RushTests(ApiTestCase):
    def test_twenty_orders_for_twelve_portions(self):
        r = self.restaurant()
        hot = self.dish(r, 1800, PORTIONS, 'Kung Pao chicken')
        rice = self.dish(r, 200, 1000, 'Rice')  # plenty: only the hot dish runs out
        customers = [self.customer() for _ in range(CUSTOMERS)]
        answers = [None] * CUSTOMERS
        problems = [[] for _ in range(CUSTOMERS)]  # against examples/openapi.json
        start = threading.Barrier(CUSTOMERS)

        def order(i):
            try:
                connection.ensure_connection()  # connect first, then all go at once
                start.wait(timeout=120)
                # dishes named in either order: the extension must lock them in one order
                dishes = random.sample([hot, rice], 2)
                request = RequestFactory().post(
                    f'/customers/{customers[i]}/orders',
                    json.dumps({'dishes': dishes, 'quantities': [1, 1]}),
                    content_type='application/json')
                response = views.customer_orders(request, customer_id=customers[i])
                answers[i] = (response.status_code, json.loads(response.content))
                problems[i], key = SPEC.check('POST', request.path, response.status_code,
                                              response.headers, answers[i][1])
                openapi.exercised.add((key, response.status_code))
            except Exception as exc:  # seen as a wrong answer below
                answers[i] = ('exception', repr(exc))
            finally:
                connection.close()

        threads = [threading.Thread(target=order, args=(i,)) for i in range(CUSTOMERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        self.assertFalse(any(t.is_alive() for t in threads), 'a thread hung')
        self.assertEqual([p for p in problems if p], [], 'answers the OpenAPI file does not allow')

        placed = [a for a in answers if a[0] == 201]
        refused = [a for a in answers if a[0] == 409 and a[1]['error']['sqlstate'] == 'OR001']
        others = [(a[0], a[1]['error']['sqlstate'] if a[0] != 'exception' else a[1])
                  for a in answers if a not in placed and a not in refused]
        self.assertEqual(others, [], 'only 201 and OR001 409, no deadlock or retry')
        self.assertEqual((len(placed), len(refused)), (PORTIONS, CUSTOMERS - PORTIONS))
        self.assertTrue(all(a[1]['error']['detail'] for a in refused))
        self.assertEqual(len({a[1]['order_id'] for a in placed}), PORTIONS)
        self.assertEqual(self.stock_and_sold(hot), (0, PORTIONS))
        self.assertEqual(self.stock_and_sold(rice), (1000 - PORTIONS, PORTIONS))
        self.assertEqual(self.value('SELECT count(*) FROM foodorder.verify()'), 0)
        self.assert_threads_disconnected()

    def assert_threads_disconnected(self):
        # Backends leave pg_stat_activity a moment after the client closes.
        # Behind a pooler, count its clients: it keeps its server connections.
        # Up to 60 s: a generous bound for a busy machine.
        for _ in range(600):
            if runner.behind_pooler():
                left = runner.pooler_clients(runner.APP_ROLE)
            else:
                left = self.value('SELECT count(*) FROM pg_stat_activity'
                                  ' WHERE datname = current_database() AND usename = %s',
                                  runner.APP_ROLE)
            if left <= 1:  # this thread's own connection
                return
            time.sleep(0.1)
        self.fail(f'{left} connections of {runner.APP_ROLE} still open')
