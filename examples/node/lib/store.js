'use strict';
// Calls to the foodorder extension through a node-postgres pool, one
// function per call, as examples/django/foodorder_api/store.py.
//
// The extension does the work (locking, stock, totals, permissions); each
// function here is one or two statements, run on one client in one
// transaction, so a follow-up read sees the call's own writes.  Ids from the
// URL are passed as the text the client sent: the database judges them (a
// 20-digit id is 22003, 400), as it does Django's Python ints.
const { ApiError, DatabaseUnavailable, sqlstateOf } = require('./errors');

const LISTENED = Symbol('foodorder: error listener added');

// A client of the pool; failing to get one means the database is unreachable.
async function connect(pool) {
  let client;
  try {
    client = await pool.connect();
  } catch (err) {
    throw new DatabaseUnavailable(err);
  }
  if (!client[LISTENED]) {
    // A connection that ends while its client is checked out (the server
    // terminated the session: 57P01) emits 'error' on the client, and the
    // pool listens only while the client is idle: unheard, the error would
    // end the process.  The call in progress fails by itself, and the pool
    // drops the client when it comes back (not queryable).
    client.on('error', () => {});
    client[LISTENED] = true;
  }
  return client;
}

// client.query, with an error that is no server error (the connection
// broke) turned into DatabaseUnavailable.
async function query(client, text, params) {
  try {
    return await client.query(text, params);
  } catch (err) {
    if (sqlstateOf(err) === null) throw new DatabaseUnavailable(err);
    throw err;
  }
}

// work(client) in BEGIN ... COMMIT; rolled back if it throws.  A client
// whose ROLLBACK fails is broken and is destroyed, not put back.
async function inTransaction(pool, work) {
  const client = await connect(pool);
  let broken;
  try {
    await query(client, 'BEGIN');
    const result = await work(client);
    await query(client, 'COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError;
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

// work(client) on a client of its own, outside a transaction block.
async function withClient(pool, work) {
  const client = await connect(pool);
  let broken;
  try {
    return await work(client);
  } catch (err) {
    if (err instanceof DatabaseUnavailable) broken = err;
    throw err;
  } finally {
    client.release(broken);
  }
}

// One statement on its own (autocommit): its rows.
async function single(pool, text, params) {
  return withClient(pool, async (client) => (await query(client, text, params)).rows);
}

// created_at in the one format of examples/openapi.json (Timestamp): UTC,
// milliseconds, "Z", as the Django example writes it.  Done in SQL, so that
// neither the session's DateStyle and TimeZone nor JavaScript's Date matter.
const CREATED_AT = `to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

// An order as GET /customers/{id}/orders lists it.
const ORDER_COLUMNS = `o.id AS order_id, o.order_no, o.restaurant_id, o.status, o.pay_status,
  o.total_count, o.total_cents, o.delivery_fee_cents, o.address_id, o.pay_method,
  ${CREATED_AT} AS created_at`;

// Whether the last cart, cart_clear or customer_orders could not reach part
// of a sharded deployment (a node down): the router names what it could not
// reach in foodorder.unreachable, for the transaction; one node has no such
// setting (NULL).
async function incomplete(client) {
  const { rows: [row] } = await query(client,
    "SELECT coalesce(current_setting('foodorder.unreachable', true), '') <> '' AS incomplete");
  return row.incomplete;
}

// orders, each with its lines by dish id, read in one more statement.  Not a
// subquery per order: through a sharded deployment's router a subquery
// correlated with o.id reads every partition, and fails while one node is
// down.  The lines of the orders' ids and the dishes of their restaurants,
// given as values, read only the partitions that hold them.
async function withLines(client, orders) {
  const byId = new Map(orders.map((order) => [order.order_id, Object.assign(order, { lines: [] })]));
  if (orders.length > 0) {
    const lines = (await query(client,
      'SELECT i.order_id, i.dish_id, d.name, i.quantity, i.price_cents'
      + '  FROM foodorder.order_item i JOIN foodorder.dish d ON d.id = i.dish_id'
      + ' WHERE i.order_id = ANY($1::bigint[]) AND d.restaurant_id = ANY($2::bigint[])'
      + ' ORDER BY i.order_id, i.dish_id',
      [[...byId.keys()], [...new Set(orders.map((order) => order.restaurant_id))]])).rows;
    for (const { order_id: orderId, ...line } of lines) byId.get(orderId).lines.push(line);
  }
  return orders;
}

// The largest id a row can have (PostgreSQL's bigint).
const BIGINT_MAX = 2n ** 63n - 1n;

async function menu(pool, restaurantId) {
  if (BigInt(restaurantId) > BIGINT_MAX) { // what Django's query finds for it: no row
    throw new ApiError(404, `restaurant ${BigInt(restaurantId)} does not exist`);
  }
  return inTransaction(pool, async (client) => {
    const restaurant = (await query(client,
      'SELECT id, name, delivery_fee_cents FROM foodorder.restaurant WHERE id = $1',
      [restaurantId])).rows;
    if (restaurant.length === 0) {
      throw new ApiError(404, `restaurant ${BigInt(restaurantId)} does not exist`);
    }
    // the view: a hot dish's stock is in its slots, not in foodorder.dish
    const dishes = (await query(client,
      'SELECT id, name, price_cents, stock, hot FROM foodorder.menu'
      + ' WHERE restaurant_id = $1 AND on_sale ORDER BY id', [restaurantId])).rows;
    return { restaurant: restaurant[0], dishes };
  });
}

async function addCustomer(pool, name) {
  const [row] = await single(pool, 'SELECT foodorder.add_customer($1) AS id', [name]);
  return row.id;
}

async function addAddress(pool, customerId, detail, label) {
  const [row] = await single(pool, 'SELECT foodorder.add_address($1, $2, $3) AS id',
    [customerId, detail, label]);
  return row.id;
}

async function readCart(client, customerId) {
  const items = (await query(client,
    'SELECT dish_id, name, quantity, price_cents, line_cents, on_sale, restaurant_id'
    + ' FROM foodorder.cart($1)', [customerId])).rows;
  return {
    customer_id: Number(customerId),
    items,
    total_cents: items.reduce((sum, item) => sum + item.line_cents, 0),
    incomplete: await incomplete(client),
  };
}

async function cart(pool, customerId) {
  return inTransaction(pool, (client) => readCart(client, customerId));
}

async function cartSet(pool, customerId, dishId, quantity) {
  return inTransaction(pool, async (client) => {
    await query(client, 'SELECT foodorder.cart_set($1, $2, $3)', [customerId, dishId, quantity]);
    return readCart(client, customerId);
  });
}

async function cartClear(pool, customerId) {
  return inTransaction(pool, async (client) => {
    const { rows: [row] } = await query(client, 'SELECT foodorder.cart_clear($1) AS removed',
      [customerId]);
    return { removed: row.removed, incomplete: await incomplete(client) };
  });
}

async function placed(client, orderId) {
  return (await query(client,
    'SELECT id AS order_id, order_no, status, total_cents FROM foodorder.orders WHERE id = $1',
    [orderId])).rows[0];
}

async function placeOrder(pool, customerId, dishes, quantities, address, payMethod, requestKey) {
  return inTransaction(pool, async (client) => {
    const { rows: [row] } = await query(client,
      'SELECT foodorder.place_order(customer => $1, dishes => $2::bigint[],'
      + ' quantities => $3::integer[], address => $4, pay_method => $5,'
      + ' request_key => $6) AS id',
      [customerId, dishes, quantities, address, payMethod, requestKey]);
    return placed(client, row.id);
  });
}

async function placeOrderFromCart(pool, customerId, address, payMethod, requestKey) {
  return inTransaction(pool, async (client) => {
    const { rows: [row] } = await query(client,
      'SELECT foodorder.place_order_from_cart(customer => $1, address => $2,'
      + ' pay_method => $3, request_key => $4) AS id',
      [customerId, address, payMethod, requestKey]);
    return placed(client, row.id);
  });
}

// The customer's newest orders with their lines, in one snapshot, and
// whether some could not be read (a node of a sharded deployment down).
// foodorder.customer_orders() answers another customer's id with 42501,
// where a plain SELECT would be filtered by row-level security to [].
async function ordersOf(pool, customerId, limit = 100) {
  return inTransaction(pool, async (client) => {
    const orders = (await query(client, `
      SELECT ${ORDER_COLUMNS}
        FROM foodorder.customer_orders($1) AS o
       ORDER BY o.id DESC
       LIMIT $2`, [customerId, limit])).rows;
    const unreached = await incomplete(client);
    return { orders: await withLines(client, orders), incomplete: unreached };
  });
}

// The restaurant's newest orders for the kitchen board: what the role may
// read of foodorder.orders (row-level security: staff see their
// restaurant's, an app role all), each as ordersOf has it plus customer_id.
async function restaurantOrders(pool, restaurantId, limit = 100) {
  return inTransaction(pool, async (client) => {
    const found = (await query(client,
      'SELECT id FROM foodorder.restaurant WHERE id = $1', [restaurantId])).rows;
    if (found.length === 0) {
      throw new ApiError(404, `restaurant ${BigInt(restaurantId)} does not exist`);
    }
    const orders = (await query(client, `
      SELECT ${ORDER_COLUMNS}, o.customer_id
        FROM foodorder.orders AS o
       WHERE o.restaurant_id = $1
       ORDER BY o.id DESC
       LIMIT $2`, [restaurantId, limit])).rows;
    return { restaurant_id: found[0].id, orders: await withLines(client, orders) };
  });
}

// The status changes of one order: cancel (customer, app or staff) and the
// kitchen's steps (staff).  {order_id, changed, status}.
const STATUS_FUNCTIONS = Object.freeze({
  cancel: 'cancel_order',
  accept: 'accept_order',
  reject: 'reject_order',
  ready: 'mark_ready',
  complete: 'complete_order',
});

async function changeStatus(pool, action, orderId) {
  const fn = STATUS_FUNCTIONS[action];
  return inTransaction(pool, async (client) => {
    const { rows: [row] } = await query(client, `SELECT foodorder.${fn}($1) AS changed`,
      [orderId]);
    const { rows: [order] } = await query(client,
      'SELECT id, status FROM foodorder.orders WHERE id = $1', [orderId]);
    if (!order) throw new Error(`order ${orderId} changed but cannot be read back`);
    return { order_id: order.id, changed: row.changed, status: order.status };
  });
}

module.exports = {
  menu, addCustomer, addAddress, cart, cartSet, cartClear, placeOrder, placeOrderFromCart,
  ordersOf, restaurantOrders, changeStatus, STATUS_FUNCTIONS, BIGINT_MAX,
};
