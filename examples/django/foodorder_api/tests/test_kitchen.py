"""The kitchen board's endpoints: a restaurant's orders, and the staff's
status changes (accept, reject, ready, complete).  The app role acts as
staff of the test's restaurant (foodorder.grant_staff, by the owner)."""
import datetime

from . import runner
from .base import ApiTestCase


def utc_millis(moment):
    """A timestamptz as the API writes it, computed here in Python."""
    moment = moment.astimezone(datetime.timezone.utc)
    return moment.strftime('%Y-%m-%dT%H:%M:%S.') + f'{moment.microsecond // 1000:03d}Z'


class KitchenTests(ApiTestCase):
    def setUp(self):
        self.r = self.restaurant(delivery_fee_cents=300)
        self.noodles = self.dish(self.r, 1200, 5, 'Noodles')
        self.me = self.customer()
        self.order_id = self.place(self.me, self.noodles, 2)
        self.staff_of(self.r)

    def place(self, customer, dish, quantity):
        status, body = self.call('POST', f'/customers/{customer}/orders',
                                 {'dishes': [dish], 'quantities': [quantity]})
        self.assertEqual(status, 201, body)
        return body['order_id']

    def staff_of(self, restaurant):
        self.sql('SELECT foodorder.grant_staff(%s, %s)', runner.APP_ROLE, restaurant)
        self.addCleanup(self.sql, 'SELECT foodorder.revoke_staff(%s, %s)',
                        runner.APP_ROLE, restaurant)

    def step(self, verb, order_id=None):
        return self.call('POST', f'/orders/{order_id or self.order_id}/{verb}')

    def status_of(self, order_id):
        return self.value('SELECT status FROM foodorder.orders WHERE id = %s', order_id)

    def test_accept_ready_complete_each_once(self):
        for verb, status in [('accept', 'accepted'), ('ready', 'ready'),
                             ('complete', 'completed')]:
            with self.subTest(verb=verb):
                self.assertEqual(self.step(verb), (200, {'order_id': self.order_id,
                                                         'changed': True, 'status': status}))
                self.assertEqual(self.step(verb), (200, {'order_id': self.order_id,
                                                         'changed': False, 'status': status}))
                self.assertEqual(self.status_of(self.order_id), status)
        self.assertEqual(self.stock_and_sold(self.noodles), (3, 2))  # served, not given back
        self.assertEqual(self.sql("SELECT to_value, changed_by FROM foodorder.status_change"
                                  " WHERE order_id = %s AND field = 'status' ORDER BY id",
                                  self.order_id),
                         [('accepted', runner.APP_ROLE), ('ready', runner.APP_ROLE),
                          ('completed', runner.APP_ROLE)])

    def test_reject_gives_the_stock_back(self):
        self.assertEqual(self.stock_and_sold(self.noodles), (3, 2))
        self.assertEqual(self.step('reject'), (200, {'order_id': self.order_id,
                                                     'changed': True, 'status': 'rejected'}))
        self.assertEqual(self.stock_and_sold(self.noodles), (5, 0))
        self.assertEqual(self.step('reject')[1]['changed'], False)
        self.assertEqual(self.stock_and_sold(self.noodles), (5, 0))  # once
        self.assertEqual(self.value('SELECT count(*) FROM foodorder.verify()'), 0)

    def test_illegal_change_is_409_and_changes_nothing(self):
        for verb, state in [('ready', 'placed'), ('complete', 'placed')]:
            error = self.assert_error(self.step(verb), 409, 'OR003')
            self.assertEqual(error['detail'], f'Order {self.order_id} is {state}.')
        self.assertEqual(self.step('accept')[0], 200)
        error = self.assert_error(self.step('reject'), 409, 'OR003')
        self.assertEqual(error['detail'], f'Order {self.order_id} is accepted.')
        self.assertEqual(self.status_of(self.order_id), 'accepted')
        self.assertEqual(self.stock_and_sold(self.noodles), (3, 2))
        cancelled = self.place(self.me, self.noodles, 1)
        self.assertEqual(self.call('POST', f'/orders/{cancelled}/cancel')[0], 200)
        error = self.assert_error(self.step('accept', cancelled), 409, 'OR003')
        self.assertEqual(error['detail'], f'Order {cancelled} is cancelled.')

    def test_an_order_of_another_restaurant_is_403(self):
        other_dish = self.dish(self.restaurant(), 500, 5, 'Elsewhere')
        theirs = self.place(self.me, other_dish, 1)
        for verb in ('accept', 'reject', 'ready', 'complete'):
            with self.subTest(verb=verb):
                error = self.assert_error(self.step(verb, theirs), 403, '42501')
                if not runner.behind_router():
                    # through a router, the other restaurant may live on a
                    # partition where the role is no staff at all: "permission
                    # denied for function", with no detail
                    self.assertIn(runner.APP_ROLE, error['detail'])
        self.assertEqual(self.status_of(theirs), 'placed')
        self.assertEqual(self.stock_and_sold(other_dish), (4, 1))

    def test_a_role_that_is_no_staff_is_403(self):
        self.sql('SELECT foodorder.revoke_staff(%s, %s)', runner.APP_ROLE, self.r)
        for verb in ('accept', 'reject', 'ready', 'complete'):
            with self.subTest(verb=verb):
                self.assert_error(self.step(verb), 403, '42501')
        self.assertEqual(self.status_of(self.order_id), 'placed')
        self.assertEqual(self.stock_and_sold(self.noodles), (3, 2))

    def test_unknown_order_is_404(self):
        # An id of the restaurant's partition when sharded (ids are spread by
        # id % 1024): on another partition, where the role is not staff,
        # the router's answer is 42501 (403), as the file says.
        unknown = self.r + 1024 * 1000000
        for verb in ('accept', 'reject', 'ready', 'complete'):
            with self.subTest(verb=verb):
                self.assert_error(self.step(verb, unknown), 404, '23503')

    def test_the_board_lists_the_restaurants_orders_newest_first(self):
        other = self.customer()
        home = self.value("SELECT foodorder.add_address(%s, 'Gate 2', 'work')", other)
        status, body = self.call('POST', f'/customers/{other}/orders',
                                 {'dishes': [self.noodles], 'quantities': [1], 'address': home,
                                  'pay_method': 'card'})
        self.assertEqual(status, 201, body)
        second = body['order_id']
        elsewhere = self.place(other, self.dish(self.restaurant(), 100, 5), 1)
        self.assertEqual(self.step('accept')[0], 200)

        status, board = self.call('GET', f'/restaurants/{self.r}/orders')
        self.assertEqual(status, 200, board)
        self.assertEqual(board['restaurant_id'], self.r)
        self.assertEqual([(o['order_id'], o['customer_id'], o['status']) for o in board['orders']],
                         [(second, other, 'placed'), (self.order_id, self.me, 'accepted')])
        self.assertNotIn(elsewhere, [o['order_id'] for o in board['orders']])
        newest = board['orders'][0]
        self.assertEqual((newest['address_id'], newest['pay_method'], newest['total_cents'],
                          newest['delivery_fee_cents'], newest['lines']),
                         (home, 'card', 1200 + 300, 300,
                          [{'dish_id': self.noodles, 'name': 'Noodles', 'quantity': 1,
                            'price_cents': 1200}]))
        created = self.value('SELECT created_at FROM foodorder.orders WHERE id = %s', second)
        self.assertEqual(newest['created_at'], utc_millis(created))
        # each order is the customer's view of it plus customer_id
        [mine] = [o for o in self.call('GET', f'/customers/{other}/orders')[1]['orders']
                  if o['order_id'] == second]
        self.assertEqual(dict(newest), dict(mine, customer_id=other))

    def test_the_board_shows_the_newest_100(self):
        self.sql('SELECT foodorder.place_order(%s, ARRAY[%s]::bigint[], ARRAY[1])'
                 ' FROM generate_series(1, 3)', self.me, self.noodles)  # stock 5: 2 + 3
        self.sql('SELECT foodorder.restock(%s, 200)', self.noodles)
        self.sql('SELECT foodorder.place_order(%s, ARRAY[%s]::bigint[], ARRAY[1])'
                 ' FROM generate_series(1, 97)', self.me, self.noodles)
        ids = [row[0] for row in self.sql('SELECT id FROM foodorder.orders'
                                          ' WHERE restaurant_id = %s ORDER BY id DESC', self.r)]
        self.assertEqual(len(ids), 101)
        status, board = self.call('GET', f'/restaurants/{self.r}/orders')
        self.assertEqual(status, 200)
        self.assertEqual([o['order_id'] for o in board['orders']], ids[:100])

    def test_unknown_restaurant_is_404(self):
        self.assert_error(self.call('GET', '/restaurants/999999999/orders'), 404, None)
