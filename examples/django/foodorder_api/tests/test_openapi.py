"""The app and examples/openapi.json agree: the same paths and methods,
405 and 404 as the file says, every operation refused for a role granted
nothing; and the checker itself rejects what it should (negative
controls on real answers)."""
import copy
import json
import re
import subprocess
import sys
from unittest import mock

from django.test import Client
from django.urls import get_resolver

from .. import store, urls
from . import openapi, runner
from .base import SPEC, ApiTestCase


def route_template(pattern):
    """'customers/<id:customer_id>/cart' -> '/customers/{customer_id}/cart'."""
    return '/' + re.sub(r'<(?:(\w+):)?(\w+)>', r'{\2}', str(pattern))


def filled(template, value=1):
    return re.sub(r'\{\w+\}', str(value), template)


class RoutesTests(ApiTestCase):
    def test_the_urls_serve_exactly_the_operations_of_the_file(self):
        served = {}
        for entry in get_resolver().url_patterns:
            for converter in entry.pattern.converters.values():
                self.assertIsInstance(converter, urls.IdConverter, str(entry.pattern))
            served[route_template(entry.pattern)] = sorted(entry.callback.methods)
        documented = {}
        for method, template in SPEC.operations():
            documented.setdefault(template, []).append(method)
        self.assertEqual(served, {t: sorted(m) for t, m in documented.items()})

    def test_path_ids_are_bigints_in_the_file_too(self):
        for (method, template), op in SPEC.operations().items():
            for param in op.get('parameters', []):
                param = SPEC.resolve(param)
                if param['in'] == 'path':
                    self.assertEqual((SPEC.resolve(param['schema'])['type'],
                                      SPEC.resolve(param['schema'])['maximum']),
                                     ('integer', urls.BIGINT_MAX), f'{method} {template}')

    def test_every_path_answers_other_methods_with_405_and_allow(self):
        for template, item in SPEC.doc['paths'].items():
            for method in {'GET', 'PUT', 'POST', 'DELETE', 'PATCH'} - {m.upper() for m in item}:
                with self.subTest(method=method, path=template):
                    # request() checks status, body and Allow against the file
                    response = self.request(method, filled(template))
                    self.assertEqual(response.status_code, 405)

    def test_unknown_paths_are_404_with_the_error_json(self):
        for path in ('/nothing', '/menu/', '/customers/abc/cart', '/customers/-1/cart',
                     f'/orders/{urls.BIGINT_MAX + 1}/cancel', '/restaurants/1/orders/1'):
            with self.subTest(path=path):
                self.assert_error(self.call('GET', path), 404, None)

    def test_the_largest_bigint_is_a_path(self):
        self.assert_error(self.call('POST', f'/orders/{urls.BIGINT_MAX}/cancel'), 404, '23503')

    def test_an_unexpected_exception_is_500_with_the_error_json(self):
        client = Client(raise_request_exception=False)  # answer as a deployed server does
        with mock.patch.object(store, 'cart', side_effect=RuntimeError('a bug')), \
                self.assertLogs('django.request', 'ERROR'):
            response = self.request('GET', '/customers/1/cart', client=client)
        self.assertEqual((response.status_code, response.json()),
                         (500, {'error': {'sqlstate': None, 'message': 'internal error',
                                          'detail': None, 'hint': None}}))


class NoGrantTests(ApiTestCase):
    """A database role granted nothing gets 403 (42501) from every operation."""

    def setUp(self):
        self.dish_id = self.dish(self.restaurant(), 100, 5)
        self.me = self.customer()
        self.order_id = self.value('SELECT foodorder.place_order(%s, ARRAY[%s]::bigint[], ARRAY[1])',
                                   self.me, self.dish_id)
        self.r = self.value('SELECT restaurant_id FROM foodorder.dish WHERE id = %s', self.dish_id)
        runner.connect_as(runner.NOBODY_ROLE)
        self.addCleanup(runner.connect_as, runner.APP_ROLE)

    def test_every_operation_is_403(self):
        values = {'customer_id': self.me, 'dish_id': self.dish_id, 'order_id': self.order_id,
                  'restaurant_id': self.r}
        bodies = {'POST /customers': {'name': 'x'},
                  'POST /customers/{customer_id}/addresses': {'detail': 'x'},
                  'PUT /customers/{customer_id}/cart/{dish_id}': {'quantity': 1},
                  'POST /customers/{customer_id}/orders': {'dishes': [self.dish_id],
                                                           'quantities': [1]}}
        for method, template in SPEC.operations():
            path = template.format(**values)
            if template == '/menu':
                path += f'?restaurant={self.r}'
            with self.subTest(method=method, path=path):
                self.assert_error(self.call(method, path, bodies.get(f'{method} {template}')),
                                  403, '42501')
        self.assertEqual(self.value('SELECT status FROM foodorder.orders WHERE id = %s',
                                    self.order_id), 'placed')
        self.assertEqual(self.stock_and_sold(self.dish_id), (4, 1))


class CheckerNegativeControls(ApiTestCase):
    """openapi.Spec.check finds each kind of drift in a real answer."""

    def setUp(self):
        r = self.restaurant()
        self.dish_id = self.dish(r, 1200, 5, 'Noodles')
        self.menu_url = f'/menu?restaurant={r}'
        response = self.request('GET', self.menu_url)
        self.menu = response.json()
        self.headers = response.headers
        me = self.customer()
        self.orders_url = f'/customers/{me}/orders'
        status, self.placed = self.call('POST', self.orders_url,
                                        {'dishes': [self.dish_id], 'quantities': [1]})
        self.assertEqual(status, 201, self.placed)
        self.orders = self.call('GET', self.orders_url)[1]

    def problems(self, method, url, status, body, headers=None):
        return SPEC.check(method, url, status, headers or self.headers, body)[0]

    def assert_found(self, what, problems):
        self.assertTrue(any(what in p for p in problems), f'{what!r} not in {problems}')

    def test_the_real_answers_pass(self):
        self.assertEqual(self.problems('GET', self.menu_url, 200, self.menu), [])
        self.assertEqual(self.problems('GET', self.orders_url, 200, self.orders), [])

    def test_an_extra_property_is_found(self):
        body = copy.deepcopy(self.menu)
        body['dishes'][0]['spicy'] = True
        self.assert_found("property 'spicy' not in the schema",
                          self.problems('GET', self.menu_url, 200, body))

    def test_a_missing_required_property_is_found(self):
        body = copy.deepcopy(self.menu)
        del body['dishes'][0]['hot']
        self.assert_found("required property 'hot' missing",
                          self.problems('GET', self.menu_url, 200, body))

    def test_a_wrong_type_is_found(self):
        for path, value in [(('dishes', 0, 'price_cents'), '1200'),  # a bigint as node-postgres gives it
                            (('dishes', 0, 'price_cents'), 12.5),
                            (('dishes', 0, 'hot'), 0),
                            (('restaurant', 'id'), True),
                            (('dishes',), {})]:
            with self.subTest(path=path, value=value):
                body = copy.deepcopy(self.menu)
                target = body
                for step in path[:-1]:
                    target = target[step]
                target[path[-1]] = value
                self.assert_found('is not of type', self.problems('GET', self.menu_url, 200, body))

    def test_null_where_not_nullable_and_an_enum_and_a_pattern_are_found(self):
        order = self.orders['orders'][0]
        for name, value, what in [('status', 'shipped', 'not one of'),
                                  ('pay_method', 'bitcoin', 'not one of'),
                                  ('order_no', 'FO42', 'does not match'),
                                  ('created_at', '2026-12-02T10:08:31Z', 'does not match'),
                                  ('created_at', '2026-12-02T10:08:31.277+00:00', 'does not match'),
                                  ('total_cents', -1, 'below the minimum'),
                                  ('order_no', None, 'not nullable')]:
            with self.subTest(name=name, value=value):
                body = copy.deepcopy(self.orders)
                body['orders'][0][name] = value
                self.assert_found(what, self.problems('GET', self.orders_url, 200, body))
        self.assertIsNone(order['address_id'])  # picked up: null, which the file allows

    def test_an_undocumented_status_is_found(self):
        for status in (201, 409, 418):
            with self.subTest(status=status):
                self.assert_found('is not documented',
                                  self.problems('GET', self.menu_url, status, self.menu))

    def test_error_bodies_and_headers_are_checked(self):
        error = {'error': {'sqlstate': '42501', 'message': 'no', 'detail': None, 'hint': None}}
        self.assertEqual(self.problems('GET', self.menu_url, 403, error), [])
        self.assert_found('not one of', self.problems('GET', self.menu_url, 404, error))
        self.assert_found('not nullable', self.problems(
            'GET', self.menu_url, 403, {'error': dict(error['error'], sqlstate=None)}))
        busy = {'error': dict(error['error'], sqlstate='55P03')}
        self.assert_found('header Retry-After missing',
                          self.problems('POST', self.orders_url, 503, busy))
        self.assertEqual(self.problems('POST', self.orders_url, 503, busy,
                                       {'Retry-After': '1', 'Content-Type': 'application/json'}),
                         [])
        wrong = {'error': dict(error['error'], sqlstate=None)}
        self.assert_found('Allow', self.problems('DELETE', self.orders_url, 405, wrong,
                                                 {'Allow': 'GET',
                                                  'Content-Type': 'application/json'}))
        self.assert_found('Content-Type', self.problems('GET', self.menu_url, 200, self.menu,
                                                        {'Content-Type': 'text/html'}))
        self.assert_found('status 200, expected 404',
                          self.problems('GET', '/nothing', 200, self.menu))

    def test_a_request_body_the_file_does_not_allow_but_the_server_took_is_found(self):
        def problems(request_body, status=201):
            return SPEC.check('POST', self.orders_url, status, self.headers, self.placed,
                              request_body)[0]
        self.assertEqual(problems({'dishes': [self.dish_id], 'quantities': [1]}), [])
        self.assert_found("property 'spicy' not in the schema",
                          problems({'dishes': [self.dish_id], 'quantities': [1], 'spicy': 1}))
        self.assert_found('is not of type', problems({'dishes': [self.dish_id],
                                                      'quantities': ['1']}))
        # a refused request body is not the file's business (the tests send bad ones)
        refused = problems({'dishes': 'x'}, 400)
        self.assertTrue(refused)  # the 201 body is no error body...
        self.assertFalse([p for p in refused if 'request body' in p], refused)  # ...but that is all

    def test_the_command_line_checks_recorded_answers(self):
        # what another client's tests (examples/node) can feed it
        good = {'method': 'GET', 'url': self.menu_url, 'status': 200,
                'headers': {'content-type': 'application/json'}, 'body': self.menu}
        bad = copy.deepcopy(good)
        bad['body']['dishes'][0]['id'] = str(self.dish_id)  # node-postgres' bigint
        for lines, code, last in [([good], 0, 'openapi: 1 answers, 0 problems'),
                                  ([good, bad], 1, 'openapi: 2 answers, 1 problems')]:
            done = subprocess.run([sys.executable, openapi.__file__],
                                  input=''.join(json.dumps(l) + '\n' for l in lines),
                                  capture_output=True, text=True, timeout=120)
            self.assertEqual((done.returncode, done.stdout.splitlines()[-1]), (code, last),
                             done.stdout + done.stderr)
        done = subprocess.run([sys.executable, openapi.__file__, '--all'],
                              input=json.dumps(good) + '\n', capture_output=True, text=True,
                              timeout=120)
        self.assertIn('not met: POST /orders/{order_id}/accept 200', done.stdout)
