"""The endpoints and the SQLSTATE -> HTTP mapping, against a real foodorder."""
from django.db import DatabaseError, connection, transaction

from ..errors import database_error
from . import runner
from .base import ApiTestCase, owner_connection


class MenuTests(ApiTestCase):
    def test_lists_the_restaurants_dishes_on_sale_with_price_and_stock(self):
        r = self.restaurant(delivery_fee_cents=300)
        noodles = self.dish(r, 1200, 5, 'Noodles')
        soup = self.dish(r, 800, 0, 'Soup')
        off_menu = self.dish(r, 900, 3, 'Off menu')
        self.sql('SELECT foodorder.set_on_sale(%s, false)', off_menu)
        self.dish(self.restaurant(), 100, 1, 'Elsewhere')

        status, body = self.call('GET', f'/menu?restaurant={r}')
        self.assertEqual(status, 200, body)
        self.assertEqual(body['restaurant'],
                         {'id': r, 'name': 'Test kitchen', 'delivery_fee_cents': 300})
        self.assertEqual(body['dishes'], [
            {'id': noodles, 'name': 'Noodles', 'price_cents': 1200, 'stock': 5, 'hot': False},
            {'id': soup, 'name': 'Soup', 'price_cents': 800, 'stock': 0, 'hot': False},
        ])

    def test_a_hot_dish_shows_its_whole_stock_after_orders(self):
        r = self.restaurant()
        noodles = self.dish(r, 1200, 70, 'Noodles')
        self.sql('SELECT foodorder.set_hot(%s)', noodles)
        me = self.customer()
        for quantity in (3, 2):
            status, body = self.call('POST', f'/customers/{me}/orders',
                                     {'dishes': [noodles], 'quantities': [quantity]})
            self.assertEqual(status, 201, body)
        status, body = self.call('GET', f'/menu?restaurant={r}')
        self.assertEqual(body['dishes'], [
            {'id': noodles, 'name': 'Noodles', 'price_cents': 1200, 'stock': 65, 'hot': True}])
        self.assertEqual(self.stock_and_sold(noodles), (65, 5))

    def test_unknown_restaurant_is_404_and_a_missing_id_400(self):
        self.assertEqual(self.call('GET', '/menu?restaurant=999999')[0], 404)
        self.assertEqual(self.call('GET', '/menu')[0], 400)
        self.assertEqual(self.call('GET', '/menu?restaurant=x')[0], 400)


class CustomerTests(ApiTestCase):
    def test_a_name_too_long_or_missing_is_400(self):
        self.assert_error(self.call('POST', '/customers', {'name': 'x' * 201}), 400, '22001')
        # not 201 {"customer_id": null}: add_customer(NULL) is STRICT, returns NULL
        self.assert_error(self.call('POST', '/customers', {}), 400, None)
        self.assert_error(self.call('POST', '/customers', {'name': None}), 400, None)
        self.assertEqual(self.call('POST', '/customers', {'name': 'x' * 200})[0], 201)

    def test_add_customer_and_address(self):
        status, body = self.call('POST', '/customers', {'name': 'Ada'})
        self.assertEqual(status, 201, body)
        customer = body['customer_id']
        self.assertEqual(self.value('SELECT name FROM foodorder.customer WHERE id = %s',
                                    customer), 'Ada')
        status, body = self.call('POST', f'/customers/{customer}/addresses',
                                 {'detail': '1 Main St', 'label': 'home'})
        self.assertEqual(status, 201, body)
        self.assertEqual(self.sql('SELECT customer_id, label, detail FROM foodorder.address'
                                  ' WHERE id = %s', body['address_id']),
                         [(customer, 'home', '1 Main St')])

    def test_address_without_detail_is_400_and_unknown_customer_404(self):
        customer = self.customer()
        self.assert_error(self.call('POST', f'/customers/{customer}/addresses', {}), 400, '22004')
        self.assert_error(self.call('POST', '/customers/999999/addresses', {'detail': 'x'}),
                          404, '23503')


class CartTests(ApiTestCase):
    def setUp(self):
        self.r = self.restaurant()
        self.rice = self.dish(self.r, 200, 10, 'Rice')
        self.tofu = self.dish(self.r, 1500, 10, 'Tofu')
        self.me = self.customer()

    def test_set_read_change_remove_and_clear(self):
        cart = f'/customers/{self.me}/cart'
        self.assertEqual(self.call('PUT', f'{cart}/{self.tofu}', {'quantity': 2})[0], 200)
        status, body = self.call('PUT', f'{cart}/{self.rice}', {'quantity': 1})
        self.assertEqual(status, 200, body)
        self.assertEqual([(i['dish_id'], i['quantity'], i['line_cents']) for i in body['items']],
                         [(self.rice, 1, 200), (self.tofu, 2, 3000)])
        self.assertEqual(body['total_cents'], 3200)

        self.call('PUT', f'{cart}/{self.rice}', {'quantity': 3})
        self.call('PUT', f'{cart}/{self.tofu}', {'quantity': 0})
        status, body = self.call('GET', cart)
        self.assertEqual(status, 200)
        self.assertEqual([(i['dish_id'], i['quantity']) for i in body['items']],
                         [(self.rice, 3)])

        self.assertEqual(self.call('DELETE', cart), (200, {'removed': 1, 'incomplete': False}))
        self.assertEqual(self.call('GET', cart)[1]['items'], [])

    def test_negative_quantity_is_400_with_a_hint(self):
        error = self.assert_error(
            self.call('PUT', f'/customers/{self.me}/cart/{self.rice}', {'quantity': -1}),
            400, '22023')
        self.assertTrue(error['hint'])

    def test_quantity_that_is_not_an_integer_is_400_before_the_database(self):
        for quantity in ('2', 1.5, True):
            self.assert_error(
                self.call('PUT', f'/customers/{self.me}/cart/{self.rice}', {'quantity': quantity}),
                400, None)
        self.assertEqual(self.call('GET', f'/customers/{self.me}/cart')[1]['items'], [])

    def test_a_quantity_past_integer_is_400_not_500(self):
        self.assert_error(self.call('PUT', f'/customers/{self.me}/cart/{self.rice}',
                                    {'quantity': 2 ** 40}), 400, '22003')

    def test_dish_off_sale_is_409_and_unknown_dish_404(self):
        self.sql('SELECT foodorder.set_on_sale(%s, false)', self.tofu)
        self.assert_error(self.call('PUT', f'/customers/{self.me}/cart/{self.tofu}',
                                    {'quantity': 1}), 409, 'OR002')
        self.assert_error(self.call('PUT', f'/customers/{self.me}/cart/999999',
                                    {'quantity': 1}), 404, '23503')


class OrderTests(ApiTestCase):
    def setUp(self):
        self.r = self.restaurant(delivery_fee_cents=500)
        self.rice = self.dish(self.r, 200, 10, 'Rice')
        self.tofu = self.dish(self.r, 1500, 3, 'Tofu')
        self.me = self.customer()
        self.home = self.value("SELECT foodorder.add_address(%s, '1 Main St', 'home')", self.me)
        self.orders = f'/customers/{self.me}/orders'

    def order(self, **body):
        return self.call('POST', self.orders, body)

    def test_order_from_arrays_is_201_and_listed_with_its_lines(self):
        status, body = self.order(dishes=[self.tofu, self.rice], quantities=[2, 1],
                                  address=self.home, pay_method='wechat')
        self.assertEqual(status, 201, body)
        order_id = body['order_id']
        self.assertEqual(body['order_no'], 'FO%08d' % order_id)
        self.assertEqual(body['status'], 'placed')
        self.assertEqual(body['total_cents'], 2 * 1500 + 200 + 500)  # lines + delivery fee
        self.assertEqual(self.stock_and_sold(self.tofu), (1, 2))
        self.assertEqual(self.stock_and_sold(self.rice), (9, 1))

        status, body = self.call('GET', self.orders)
        self.assertEqual(status, 200)
        [listed] = body['orders']
        self.assertEqual((listed['order_id'], listed['restaurant_id'], listed['total_count'],
                          listed['delivery_fee_cents'], listed['address_id'],
                          listed['pay_method'], listed['pay_status']),
                         (order_id, self.r, 3, 500, self.home, 'wechat', 'unpaid'))
        self.assertEqual(listed['lines'], [
            {'dish_id': self.rice, 'name': 'Rice', 'quantity': 1, 'price_cents': 200},
            {'dish_id': self.tofu, 'name': 'Tofu', 'quantity': 2, 'price_cents': 1500},
        ])

    def test_order_from_cart_orders_it_and_empties_it(self):
        self.call('PUT', f'/customers/{self.me}/cart/{self.rice}', {'quantity': 2})
        self.call('PUT', f'/customers/{self.me}/cart/{self.tofu}', {'quantity': 1})
        status, body = self.order(from_cart=True, pay_method='cash')
        self.assertEqual(status, 201, body)
        self.assertEqual(body['total_cents'], 2 * 200 + 1500)  # no address, no fee
        self.assertEqual(self.call('GET', f'/customers/{self.me}/cart')[1]['items'], [])
        [listed] = self.call('GET', self.orders)[1]['orders']
        self.assertEqual([(l['dish_id'], l['quantity']) for l in listed['lines']],
                         [(self.rice, 2), (self.tofu, 1)])

    def test_empty_cart_is_400(self):
        self.assert_error(self.order(from_cart=True), 400, '22023')

    def test_repeated_request_key_returns_the_first_order(self):
        first = self.order(dishes=[self.tofu], quantities=[1], request_key='tap-1')
        again = self.order(dishes=[self.tofu], quantities=[1], request_key='tap-1')
        self.assertEqual(first[0], 201, first[1])
        self.assertEqual(again, first)
        self.assertEqual(self.stock_and_sold(self.tofu), (2, 1))
        self.assertEqual(len(self.call('GET', self.orders)[1]['orders']), 1)

    def test_request_key_reused_with_other_dishes_is_422(self):
        self.assertEqual(self.order(dishes=[self.tofu], quantities=[1], request_key='k')[0], 201)
        self.assert_error(self.order(dishes=[self.rice], quantities=[1], request_key='k'),
                          422, 'OR004')
        self.assertEqual(self.stock_and_sold(self.rice), (10, 0))

    def test_insufficient_stock_is_409_with_the_detail_and_sells_nothing(self):
        error = self.assert_error(
            self.order(dishes=[self.rice, self.tofu], quantities=[1, 4]), 409, 'OR001')
        self.assertIn(str(self.tofu), error['detail'])
        self.assertEqual(self.stock_and_sold(self.tofu), (3, 0))
        self.assertEqual(self.stock_and_sold(self.rice), (10, 0))

    def test_dish_off_sale_is_409(self):
        self.sql('SELECT foodorder.set_on_sale(%s, false)', self.rice)
        self.assert_error(self.order(dishes=[self.rice], quantities=[1]), 409, 'OR002')

    def test_bad_arguments_are_400(self):
        other_restaurant = self.dish(self.restaurant(), 100, 5)
        for body, sqlstate in [
            ({'dishes': [self.rice], 'quantities': [1], 'pay_method': 'bitcoin'}, '22023'),
            ({'dishes': [self.rice, other_restaurant], 'quantities': [1, 1]}, '22023'),
            ({'dishes': [], 'quantities': []}, '22023'),
            ({'dishes': [self.rice], 'quantities': [0]}, '22023'),
            ({'quantities': [1]}, '22004'),
            ({'dishes': [self.rice], 'quantities': [1.5]}, None),
            ({'dishes': [self.rice], 'quantities': [2 ** 40]}, '22003'),
            ({'dishes': [self.rice], 'quantities': [1], 'address': 2 ** 64}, '22003'),
            ({'dishes': [self.rice] * 101, 'quantities': [1] * 101}, '54000'),
            ({'dishes': [self.rice], 'quantities': [1], 'request_key': 'k' * 101}, '22001'),
        ]:
            with self.subTest(body=body):
                self.assert_error(self.order(**body), 400, sqlstate)
        self.assertEqual(self.stock_and_sold(self.rice), (10, 0))

    def test_orders_of_an_unknown_customer_are_404(self):
        self.assert_error(self.call('GET', '/customers/999999999/orders'), 404, '23503')

    def test_unknown_dish_customer_or_address_is_404(self):
        other = self.customer()
        not_mine = self.value("SELECT foodorder.add_address(%s, 'elsewhere')", other)
        self.assert_error(self.order(dishes=[999999], quantities=[1]), 404, '23503')
        self.assert_error(self.call('POST', '/customers/999999/orders',
                                    {'dishes': [self.rice], 'quantities': [1]}), 404, '23503')
        self.assert_error(self.order(dishes=[self.rice], quantities=[1], address=not_mine),
                          404, '23503')

    def order_while_kitchen_holds_tofu(self, setting):
        """The answer to an order of tofu while the kitchen holds its row,
        with setting (say lock_timeout = '100ms') for this request only."""
        kitchen = owner_connection(autocommit=False)
        try:
            with kitchen.cursor() as cur:
                cur.execute('SELECT FROM foodorder.dish WHERE id = %s FOR UPDATE', [self.tofu])
            # SET LOCAL, in a transaction around the request: a session SET
            # would, behind a transaction pooler, land on whichever server
            # connection ran it and stay there for other clients.
            with transaction.atomic():
                with connection.cursor() as cur:
                    cur.execute(f'SET LOCAL {setting}')
                return self.request('POST', self.orders,
                                    {'dishes': [self.tofu], 'quantities': [1]})
        finally:
            kitchen.rollback()
            kitchen.close()

    def test_lock_timeout_is_503_with_retry_after(self):
        # This app connection waits 100 ms at most for the kitchen's lock.
        response = self.order_while_kitchen_holds_tofu("lock_timeout = '100ms'")
        self.assert_error((response.status_code, response.json()), 503, '55P03')
        self.assertEqual(response['Retry-After'], '1')
        self.assertEqual(self.order(dishes=[self.tofu], quantities=[1])[0], 201)

    def test_statement_timeout_is_503_with_retry_after(self):
        response = self.order_while_kitchen_holds_tofu("statement_timeout = '100ms'")
        self.assert_error((response.status_code, response.json()), 503, '57014')
        self.assertEqual(response['Retry-After'], '1')
        self.assertEqual(self.stock_and_sold(self.tofu), (3, 0))

    def test_a_read_only_transaction_is_503(self):
        if runner.behind_router():
            self.skipTest('the router forwards the call: read-only there does not reach the node')
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute('SET LOCAL transaction_read_only = on')  # as on a hot standby
            self.assert_error(self.order(dishes=[self.tofu], quantities=[1]), 503, '25006')
        self.assertEqual(self.stock_and_sold(self.tofu), (3, 0))


class CancelTests(ApiTestCase):
    def setUp(self):
        self.dumplings = self.dish(self.restaurant(), 900, 4)
        self.me = self.customer()
        status, body = self.call('POST', f'/customers/{self.me}/orders',
                                 {'dishes': [self.dumplings], 'quantities': [3]})
        self.assertEqual(status, 201, body)
        self.order_id = body['order_id']

    def test_cancel_gives_the_stock_back_and_a_second_cancel_changes_nothing(self):
        cancel = f'/orders/{self.order_id}/cancel'
        self.assertEqual(self.call('POST', cancel),
                         (200, {'order_id': self.order_id, 'changed': True, 'status': 'cancelled'}))
        self.assertEqual(self.stock_and_sold(self.dumplings), (4, 0))
        self.assertEqual(self.call('POST', cancel),
                         (200, {'order_id': self.order_id, 'changed': False, 'status': 'cancelled'}))
        self.assertEqual(self.stock_and_sold(self.dumplings), (4, 0))

    def test_cancelling_a_completed_order_is_409(self):
        for step in ('accept_order', 'mark_ready', 'complete_order'):  # the kitchen's side
            self.assertTrue(self.value(f'SELECT foodorder.{step}(%s)', self.order_id))
        self.assert_error(self.call('POST', f'/orders/{self.order_id}/cancel'), 409, 'OR003')
        self.assertEqual(self.stock_and_sold(self.dumplings), (1, 3))

    def test_unknown_order_is_404(self):
        self.assert_error(self.call('POST', '/orders/999999/cancel'), 404, '23503')


class CustomerRoleTests(ApiTestCase):
    """The app connected as a role that is one customer (grant_customer)."""

    def setUp(self):
        self.rice = self.dish(self.restaurant(), 200, 10)
        self.me, self.other = self.customer(), self.customer()
        self.others_order = self.call('POST', f'/customers/{self.other}/orders',
                                      {'dishes': [self.rice], 'quantities': [1]})[1]['order_id']
        self.sql('SELECT foodorder.grant_customer(%s, %s)', runner.CUSTOMER_ROLE, self.me)
        runner.connect_as(runner.CUSTOMER_ROLE)
        self.addCleanup(runner.connect_as, runner.APP_ROLE)
        self.addCleanup(self.sql, 'SELECT foodorder.revoke_customer(%s)', runner.CUSTOMER_ROLE)

    def test_acts_for_its_own_customer(self):
        self.assertEqual(self.call('PUT', f'/customers/{self.me}/cart/{self.rice}',
                                   {'quantity': 1})[0], 200)
        status, body = self.call('POST', f'/customers/{self.me}/orders', {'from_cart': True})
        self.assertEqual(status, 201, body)
        status, listed = self.call('GET', f'/customers/{self.me}/orders')
        self.assertEqual((status, [o['order_id'] for o in listed['orders']]),
                         (200, [body['order_id']]))

    def test_another_customer_is_403(self):
        other = f'/customers/{self.other}'
        for method, path, body in [
            ('GET', f'{other}/cart', None),
            ('PUT', f'{other}/cart/{self.rice}', {'quantity': 1}),
            ('DELETE', f'{other}/cart', None),
            ('GET', f'{other}/orders', None),
            ('POST', f'{other}/orders', {'dishes': [self.rice], 'quantities': [1]}),
            ('POST', f'/orders/{self.others_order}/cancel', None),
        ]:
            with self.subTest(method=method, path=path):
                error = self.assert_error(self.call(method, path, body), 403, '42501')
                self.assertIn(runner.CUSTOMER_ROLE, error['detail'])
        self.assertEqual(self.value('SELECT status FROM foodorder.orders WHERE id = %s',
                                    self.others_order), 'placed')
        self.assertEqual(self.stock_and_sold(self.rice), (9, 1))


class RequestShapeTests(ApiTestCase):
    def test_the_app_runs_as_the_granted_app_role_not_the_owner(self):
        with connection.cursor() as cur:
            cur.execute('SELECT current_user, foodorder.caller_is_app()')
            self.assertEqual(cur.fetchone(), (runner.APP_ROLE, True))


    def test_body_that_is_not_a_json_object_is_400(self):
        me = self.customer()
        for body in ('{"dishes": [1', '[1, 2]'):
            self.assert_error(self.call('POST', f'/customers/{me}/orders', body), 400, None)

    def test_an_unmapped_database_error_is_500_and_logged_not_shown(self):
        try:
            with connection.cursor() as cur:
                cur.execute('SELECT 1 / 0')
        except DatabaseError as exc:
            with self.assertLogs('foodorder_api.errors', 'ERROR'):
                error = database_error(exc)
        self.assertEqual((error.status, error.body['sqlstate'], error.body['message']),
                         (500, '22012', 'internal error'))

    def test_other_methods_are_405_with_allow(self):
        response = self.request('DELETE', '/customers/1/orders')
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response['Allow'], 'GET, POST')
        self.assertIn('GET or POST', response.json()['error']['message'])
