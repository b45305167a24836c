"""Calls to the foodorder extension through Django's database connection.

The extension does the work (locking, stock, totals, permissions); each
function here is one or two statements, run in one transaction so a
follow-up read sees the call's own writes.  Errors propagate as Django's
DatabaseError; errors.py maps them to HTTP.
"""
from django.db import connection, transaction

from .errors import ApiError


def _rows(cursor):
    names = [c.name for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def menu(restaurant_id):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute('SELECT id, name, delivery_fee_cents FROM foodorder.restaurant'
                    ' WHERE id = %s', [restaurant_id])
        restaurant = _rows(cur)
        if not restaurant:
            raise ApiError(404, f'restaurant {restaurant_id} does not exist')
        # the view: a hot dish's stock is in its slots, not in foodorder.dish
        cur.execute('SELECT id, name, price_cents, stock, hot FROM foodorder.menu'
                    ' WHERE restaurant_id = %s AND on_sale ORDER BY id', [restaurant_id])
        return {'restaurant': restaurant[0], 'dishes': _rows(cur)}


def add_customer(name):
    with connection.cursor() as cur:
        cur.execute('SELECT foodorder.add_customer(%s)', [name])
        return cur.fetchone()[0]


def add_address(customer_id, detail, label):
    with connection.cursor() as cur:
        cur.execute('SELECT foodorder.add_address(%s, %s, %s)', [customer_id, detail, label])
        return cur.fetchone()[0]


def cart(customer_id):
    with connection.cursor() as cur:
        cur.execute('SELECT dish_id, name, quantity, price_cents, line_cents, on_sale,'
                    ' restaurant_id FROM foodorder.cart(%s)', [customer_id])
        items = _rows(cur)
    return {'customer_id': customer_id, 'items': items,
            'total_cents': sum(i['line_cents'] for i in items)}


def cart_set(customer_id, dish_id, quantity):
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute('SELECT foodorder.cart_set(%s, %s, %s)', [customer_id, dish_id, quantity])
        return cart(customer_id)


def cart_clear(customer_id):
    with connection.cursor() as cur:
        cur.execute('SELECT foodorder.cart_clear(%s)', [customer_id])
        return cur.fetchone()[0]


def _placed(cur, order_id):
    cur.execute('SELECT id AS order_id, order_no, status, total_cents'
                ' FROM foodorder.orders WHERE id = %s', [order_id])
    return _rows(cur)[0]


def place_order(customer_id, dishes, quantities, address, pay_method, request_key):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute('SELECT foodorder.place_order(customer => %s, dishes => %s::bigint[],'
                    ' quantities => %s::integer[], address => %s, pay_method => %s,'
                    ' request_key => %s)',
                    [customer_id, dishes, quantities, address, pay_method, request_key])
        return _placed(cur, cur.fetchone()[0])


def place_order_from_cart(customer_id, address, pay_method, request_key):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute('SELECT foodorder.place_order_from_cart(customer => %s, address => %s,'
                    ' pay_method => %s, request_key => %s)',
                    [customer_id, address, pay_method, request_key])
        return _placed(cur, cur.fetchone()[0])


def orders_of(customer_id, limit=100):
    """The customer's newest orders with their lines, in one snapshot.

    foodorder.customer_orders() answers another customer's id with 42501,
    where a plain SELECT would be filtered by row-level security to [].
    """
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("""
            SELECT o.id AS order_id, o.order_no, o.restaurant_id, o.status, o.pay_status,
                   o.total_count, o.total_cents, o.delivery_fee_cents, o.address_id,
                   o.pay_method, o.created_at,
                   (SELECT coalesce(json_agg(json_build_object(
                               'dish_id', i.dish_id, 'name', d.name,
                               'quantity', i.quantity, 'price_cents', i.price_cents)
                               ORDER BY i.dish_id), '[]')
                      FROM foodorder.order_item i JOIN foodorder.dish d ON d.id = i.dish_id
                     WHERE i.order_id = o.id) AS lines
              FROM foodorder.customer_orders(%s) AS o
             ORDER BY o.id DESC
             LIMIT %s""", [customer_id, limit])
        return _rows(cur)


def cancel_order(order_id):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute('SELECT foodorder.cancel_order(%s)', [order_id])
        changed = cur.fetchone()[0]
        cur.execute('SELECT status FROM foodorder.orders WHERE id = %s', [order_id])
        return {'order_id': order_id, 'changed': changed, 'status': cur.fetchone()[0]}
