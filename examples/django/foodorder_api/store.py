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


def _incomplete(cur):
    """Whether the last cart, cart_clear or customer_orders could not reach
    part of a sharded deployment (a node down): the router names what it
    could not reach in foodorder.unreachable, for the transaction; one node
    has no such setting (NULL)."""
    cur.execute("SELECT coalesce(current_setting('foodorder.unreachable', true), '') <> ''")
    return cur.fetchone()[0]


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
        cur.execute('SELECT foodorder.add_address(%s::bigint, %s, %s)', [customer_id, detail, label])
        return cur.fetchone()[0]


def cart(customer_id):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute('SELECT dish_id, name, quantity, price_cents, line_cents, on_sale,'
                    ' restaurant_id FROM foodorder.cart(%s)', [customer_id])
        items = _rows(cur)
        incomplete = _incomplete(cur)
    return {'customer_id': customer_id, 'items': items,
            'total_cents': sum(i['line_cents'] for i in items), 'incomplete': incomplete}


def cart_set(customer_id, dish_id, quantity):
    with transaction.atomic():
        with connection.cursor() as cur:
            # the casts: a JSON integer past the column's range is 22003
            # (400), not "no function cart_set(bigint, bigint, numeric)"
            cur.execute('SELECT foodorder.cart_set(%s::bigint, %s::bigint, %s::integer)',
                        [customer_id, dish_id, quantity])
        return cart(customer_id)


def cart_clear(customer_id):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute('SELECT foodorder.cart_clear(%s)', [customer_id])
        return {'removed': cur.fetchone()[0], 'incomplete': _incomplete(cur)}


def _placed(cur, order_id):
    cur.execute('SELECT id AS order_id, order_no, status, total_cents'
                ' FROM foodorder.orders WHERE id = %s', [order_id])
    return _rows(cur)[0]


def place_order(customer_id, dishes, quantities, address, pay_method, request_key):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute('SELECT foodorder.place_order(customer => %s, dishes => %s::bigint[],'
                    ' quantities => %s::integer[], address => %s::bigint, pay_method => %s,'
                    ' request_key => %s)',
                    [customer_id, dishes, quantities, address, pay_method, request_key])
        return _placed(cur, cur.fetchone()[0])


def place_order_from_cart(customer_id, address, pay_method, request_key):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute('SELECT foodorder.place_order_from_cart(customer => %s, address => %s::bigint,'
                    ' pay_method => %s, request_key => %s)',
                    [customer_id, address, pay_method, request_key])
        return _placed(cur, cur.fetchone()[0])


# An order as both examples answer it (examples/openapi.json, Order).
# created_at is formatted here, not by a driver: DjangoJSONEncoder would
# drop the fraction when it is 0 and node-postgres gives a Date, so the
# one format (UTC, milliseconds, "Z") is written by the database for both.
_ORDER_COLUMNS = """
    o.id AS order_id, o.order_no, o.restaurant_id, o.status, o.pay_status,
    o.total_count, o.total_cents, o.delivery_fee_cents, o.address_id, o.pay_method,
    to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at"""


def _with_lines(cur, orders):
    """orders, each with its lines by dish id, read in one more statement.

    Not a subquery per order: through a sharded deployment's router a
    subquery correlated with o.id reads every partition, and fails while
    one node is down.  The lines of the orders' ids and the dishes of their
    restaurants, given as values, read only the partitions that hold them.
    """
    for order in orders:
        order['lines'] = []
    if orders:
        by_id = {order['order_id']: order for order in orders}
        cur.execute('SELECT i.order_id, i.dish_id, d.name, i.quantity, i.price_cents'
                    '  FROM foodorder.order_item i JOIN foodorder.dish d ON d.id = i.dish_id'
                    ' WHERE i.order_id = ANY(%s) AND d.restaurant_id = ANY(%s)'
                    ' ORDER BY i.order_id, i.dish_id',
                    [list(by_id), sorted({order['restaurant_id'] for order in orders})])
        for line in _rows(cur):
            by_id[line.pop('order_id')]['lines'].append(line)
    return orders


def orders_of(customer_id, limit=100):
    """The customer's newest orders with their lines, in one snapshot, and
    whether some could not be read (a node of a sharded deployment down).

    foodorder.customer_orders() answers another customer's id with 42501,
    where a plain SELECT would be filtered by row-level security to [].
    """
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"""
            SELECT {_ORDER_COLUMNS}
              FROM foodorder.customer_orders(%s) AS o
             ORDER BY o.id DESC
             LIMIT %s""", [customer_id, limit])
        orders = _rows(cur)
        incomplete = _incomplete(cur)
        return {'orders': _with_lines(cur, orders), 'incomplete': incomplete}


def restaurant_orders(restaurant_id, limit=100):
    """The kitchen board: the restaurant's newest orders, with their
    customer and lines, in one snapshot; None if there is no such
    restaurant.  Row-level security decides which orders the role reads:
    all of them for the app role and the restaurant's staff."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute('SELECT 1 FROM foodorder.restaurant WHERE id = %s', [restaurant_id])
        if not cur.fetchall():
            return None
        cur.execute(f"""
            SELECT {_ORDER_COLUMNS}, o.customer_id
              FROM foodorder.orders AS o
             WHERE o.restaurant_id = %s
             ORDER BY o.id DESC
             LIMIT %s""", [restaurant_id, limit])
        return _with_lines(cur, _rows(cur))


# The status changes the API offers, by the extension function each calls:
# cancel (customer, app or staff) and the kitchen's (staff of the order's
# restaurant only).
TRANSITIONS = ('cancel_order', 'accept_order', 'reject_order', 'mark_ready', 'complete_order')


def change_status(function, order_id):
    """foodorder.<function>(order_id) and the order's status after it."""
    if function not in TRANSITIONS:
        raise ValueError(function)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f'SELECT foodorder.{function}(%s::bigint)', [order_id])
        changed = cur.fetchone()[0]
        cur.execute('SELECT status FROM foodorder.orders WHERE id = %s', [order_id])
        return {'order_id': order_id, 'changed': changed, 'status': cur.fetchone()[0]}


def cancel_order(order_id):
    return change_status('cancel_order', order_id)
