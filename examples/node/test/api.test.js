'use strict';
// The endpoints and the SQLSTATE -> HTTP mapping over real HTTP, against a
// real foodorder: the cases of examples/django/foodorder_api/tests/test_api.py
// and the request shapes Node parses differently from Python (1.0, 1e0).
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

const { call, assertError, sql, value, stockAndSold } = h;
let api;
before(async () => { api = await h.startApi(); });
after(async () => { await api.close(); await h.end(); });

describe('menu', () => {
  it('lists the restaurant\'s dishes on sale with price and stock, ids as numbers', async () => {
    const r = await h.restaurant(300);
    const noodles = await h.dish(r, 1200, 5, 'Noodles');
    const soup = await h.dish(r, 800, 0, 'Soup');
    const offMenu = await h.dish(r, 900, 3, 'Off menu');
    await sql('SELECT foodorder.set_on_sale($1, false)', offMenu);
    await h.dish(await h.restaurant(), 100, 1, 'Elsewhere');

    const answer = await call(api, 'GET', `/menu?restaurant=${r}`);
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.headers['content-type'], 'application/json');
    assert.deepEqual(answer.body, {
      restaurant: { id: r, name: 'Test kitchen', delivery_fee_cents: 300 },
      dishes: [
        { id: noodles, name: 'Noodles', price_cents: 1200, stock: 5, hot: false },
        { id: soup, name: 'Soup', price_cents: 800, stock: 0, hot: false },
      ],
    });
    assert.equal(typeof answer.body.restaurant.id, 'number'); // bigint, not "2"
  });

  it('a hot dish shows its whole stock after orders', async () => {
    const r = await h.restaurant();
    const noodles = await h.dish(r, 1200, 70, 'Noodles');
    await sql('SELECT foodorder.set_hot($1)', noodles);
    const me = await h.customer();
    for (const quantity of [3, 2]) {
      const answer = await call(api, 'POST', `/customers/${me}/orders`,
        { dishes: [noodles], quantities: [quantity] });
      assert.equal(answer.status, 201, answer.text);
    }
    const answer = await call(api, 'GET', `/menu?restaurant=${r}`);
    assert.deepEqual(answer.body.dishes,
      [{ id: noodles, name: 'Noodles', price_cents: 1200, stock: 65, hot: true }]);
    assert.deepEqual(await stockAndSold(noodles), [65, 5]);
  });

  it('non-ASCII text is sent as \\u escapes, as Django\'s JsonResponse does', async () => {
    const r = await h.restaurant();
    await h.dish(r, 1800, 5, '宫保鸡丁 é');
    const answer = await call(api, 'GET', `/menu?restaurant=${r}`);
    assert.match(answer.text, /"\\u5bab\\u4fdd\\u9e21\\u4e01 \\u00e9"/);
    assert.ok(/^[\x00-\x7f]*$/.test(answer.text), 'the body is ASCII');
    assert.equal(answer.body.dishes[0].name, '宫保鸡丁 é');
  });

  it('unknown restaurant is 404, a missing or malformed id 400, the last one given counts', async () => {
    const r = await h.restaurant();
    assertError(await call(api, 'GET', '/menu?restaurant=999999'), 404, null);
    for (const query of ['', '?restaurant=', '?restaurant=x', '?restaurant=-1', '?restaurant=1.0',
      `?restaurant=${r}&restaurant=x`]) {
      const error = assertError(await call(api, 'GET', `/menu${query}`), 400, null);
      assert.match(error.message, /restaurant=1/);
    }
    assert.equal((await call(api, 'GET', `/menu?restaurant=x&restaurant=${r}`)).status, 200);
    const error = assertError(await call(api, 'GET', '/menu?restaurant=99999999999999999999'),
      404, null); // past bigint: no such restaurant, as for Django
    assert.equal(error.message, 'restaurant 99999999999999999999 does not exist');
  });
});

describe('customers', () => {
  it('adds a customer and an address', async () => {
    let answer = await call(api, 'POST', '/customers', { name: 'Ada' });
    assert.equal(answer.status, 201, answer.text);
    const id = answer.body.customer_id;
    assert.equal(typeof id, 'number');
    assert.equal(await value('SELECT name FROM foodorder.customer WHERE id = $1', id), 'Ada');
    answer = await call(api, 'POST', `/customers/${id}/addresses`,
      { detail: '1 Main St', label: 'home' });
    assert.equal(answer.status, 201, answer.text);
    assert.deepEqual(Object.keys(answer.body), ['address_id']);
    assert.deepEqual(await sql('SELECT customer_id, label, detail FROM foodorder.address'
      + ' WHERE id = $1', answer.body.address_id),
    [{ customer_id: id, label: 'home', detail: '1 Main St' }]);
  });

  it('no name is 400, no address detail 400 22004; an unknown customer 404', async () => {
    const me = await h.customer();
    // add_customer is STRICT: without the check, 201 {"customer_id": null}
    for (const body of [{}, { name: null }, undefined]) { // an empty body is {}
      const error = assertError(await call(api, 'POST', '/customers', body), 400, null);
      assert.equal(error.message, '"name" is required');
    }
    assertError(await call(api, 'POST', `/customers/${me}/addresses`, {}), 400, '22004');
    assertError(await call(api, 'POST', '/customers/999999/addresses', { detail: 'x' }),
      404, '23503');
  });

  it('a name or detail that is not a string is 400 before the database', async () => {
    const me = await h.customer();
    const before = await value('SELECT count(*) FROM foodorder.customer');
    for (const name of [7, true, ['Ada'], { n: 'Ada' }]) {
      const error = assertError(await call(api, 'POST', '/customers', { name }), 400, null);
      assert.equal(error.message, '"name" must be a string');
    }
    assertError(await call(api, 'POST', `/customers/${me}/addresses`, { detail: 'x', label: 1 }),
      400, null);
    assert.equal(await value('SELECT count(*) FROM foodorder.customer'), before);
  });
});

describe('cart', () => {
  let r; let rice; let tofu; let me;
  before(async () => {
    r = await h.restaurant();
    rice = await h.dish(r, 200, 10, 'Rice');
    tofu = await h.dish(r, 1500, 10, 'Tofu');
  });

  it('set, read, change, remove and clear', async () => {
    me = await h.customer();
    const cart = `/customers/${me}/cart`;
    assert.equal((await call(api, 'PUT', `${cart}/${tofu}`, { quantity: 2 })).status, 200);
    let answer = await call(api, 'PUT', `${cart}/${rice}`, { quantity: 1 });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.body, {
      customer_id: me,
      items: [
        { dish_id: rice, name: 'Rice', quantity: 1, price_cents: 200, line_cents: 200,
          on_sale: true, restaurant_id: r },
        { dish_id: tofu, name: 'Tofu', quantity: 2, price_cents: 1500, line_cents: 3000,
          on_sale: true, restaurant_id: r },
      ],
      total_cents: 3200,
      incomplete: false,
    });
    await call(api, 'PUT', `${cart}/${rice}`, { quantity: 3 });
    await call(api, 'PUT', `${cart}/${tofu}`, { quantity: 0 });
    answer = await call(api, 'GET', cart);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.items.map((i) => [i.dish_id, i.quantity]), [[rice, 3]]);
    assert.equal(answer.body.total_cents, 600);

    answer = await call(api, 'DELETE', cart);
    assert.deepEqual([answer.status, answer.body], [200, { removed: 1, incomplete: false }]);
    assert.deepEqual((await call(api, 'GET', cart)).body,
      { customer_id: me, items: [], total_cents: 0, incomplete: false });
  });

  it('a negative quantity is 400 22023 with a hint', async () => {
    me = await h.customer();
    const error = assertError(await call(api, 'PUT', `/customers/${me}/cart/${rice}`,
      { quantity: -1 }), 400, '22023');
    assert.ok(error.hint);
  });

  it('a quantity that is not an integer is 400 before the database (1.0 and 1e0 too)', async () => {
    me = await h.customer();
    for (const text of ['{"quantity": "2"}', '{"quantity": 1.5}', '{"quantity": true}',
      '{"quantity": 2.0}', '{"quantity": 1e0}', '{"quantity": [2]}']) {
      const error = assertError(await call(api, 'PUT', `/customers/${me}/cart/${rice}`, text),
        400, null);
      assert.equal(error.message, '"quantity" must be an integer', text);
    }
    // a float elsewhere in the body does not matter, and -0 is an integer
    assert.equal((await call(api, 'PUT', `/customers/${me}/cart/${rice}`,
      '{"note": 1.5, "quantity": 2, "s": "1.5e3"}')).status, 200);
    assert.equal((await call(api, 'PUT', `/customers/${me}/cart/${tofu}`,
      '{"quantity": -0}')).status, 200);
    assert.deepEqual((await call(api, 'GET', `/customers/${me}/cart`)).body.items
      .map((i) => [i.dish_id, i.quantity]), [[rice, 2]]);
  });

  it('a dish off sale is 409 OR002, an unknown dish 404 23503', async () => {
    me = await h.customer();
    const gone = await h.dish(r, 100, 5, 'Gone');
    await sql('SELECT foodorder.set_on_sale($1, false)', gone);
    assertError(await call(api, 'PUT', `/customers/${me}/cart/${gone}`, { quantity: 1 }),
      409, 'OR002');
    assertError(await call(api, 'PUT', `/customers/${me}/cart/999999`, { quantity: 1 }),
      404, '23503');
  });
});

describe('orders', () => {
  let r; let rice; let tofu; let me; let home; let orders;
  const order = (body) => call(api, 'POST', orders, body);
  before(async () => {
    r = await h.restaurant(500);
    rice = await h.dish(r, 200, 1000, 'Rice');
  });
  // a fresh customer and tofu (3 portions) for each test
  const fresh = async () => {
    tofu = await h.dish(r, 1500, 3, 'Tofu');
    me = await h.customer();
    home = await value("SELECT foodorder.add_address($1, '1 Main St', 'home')", me);
    orders = `/customers/${me}/orders`;
  };

  it('an order from arrays is 201 and listed with its lines', async () => {
    await fresh();
    const rice0 = await stockAndSold(rice);
    let answer = await order({ dishes: [tofu, rice], quantities: [2, 1], address: home,
      pay_method: 'wechat' });
    assert.equal(answer.status, 201, answer.text);
    const id = answer.body.order_id;
    assert.deepEqual(answer.body, { order_id: id, order_no: `FO${String(id).padStart(8, '0')}`,
      status: 'placed', total_cents: 2 * 1500 + 200 + 500 }); // lines + delivery fee
    assert.deepEqual(await stockAndSold(tofu), [1, 2]);
    assert.deepEqual(await stockAndSold(rice), [rice0[0] - 1, rice0[1] + 1]);

    answer = await call(api, 'GET', orders);
    assert.equal(answer.status, 200);
    const [listed] = answer.body.orders;
    assert.equal(answer.body.orders.length, 1);
    assert.deepEqual(Object.keys(listed), ['order_id', 'order_no', 'restaurant_id', 'status',
      'pay_status', 'total_count', 'total_cents', 'delivery_fee_cents', 'address_id',
      'pay_method', 'created_at', 'lines']);
    assert.deepEqual(
      [listed.order_id, listed.restaurant_id, listed.total_count, listed.delivery_fee_cents,
        listed.address_id, listed.pay_method, listed.pay_status, listed.status],
      [id, r, 3, 500, home, 'wechat', 'unpaid', 'placed']);
    assert.deepEqual(listed.lines, [
      { dish_id: rice, name: 'Rice', quantity: 1, price_cents: 200 },
      { dish_id: tofu, name: 'Tofu', quantity: 2, price_cents: 1500 },
    ]);
  });

  it('created_at is UTC with milliseconds, cut not rounded, as the Django example writes it', async () => {
    await fresh();
    const ids = [];
    for (let i = 0; i < 4; i += 1) {
      ids.push((await order({ dishes: [rice], quantities: [1] })).body.order_id);
    }
    // examples/openapi.json's Timestamp: exactly three fraction digits, "Z"
    const cases = [
      ['2026-01-02 03:04:05.678999+00', '2026-01-02T03:04:05.678Z'],
      ['2026-01-02 03:04:05+00', '2026-01-02T03:04:05.000Z'],
      ['2026-01-02 03:04:05.000123+00', '2026-01-02T03:04:05.000Z'],
      ['2026-07-01 23:59:59.5+08', '2026-07-01T15:59:59.500Z'],
    ];
    for (const [i, [stored]] of cases.entries()) {
      await sql('UPDATE foodorder.orders SET created_at = $1 WHERE id = $2', stored, ids[i]);
    }
    const { body } = await call(api, 'GET', orders);
    const written = Object.fromEntries(body.orders.map((o) => [o.order_id, o.created_at]));
    assert.deepEqual(ids.map((id) => written[id]), cases.map(([, json]) => json));
  });

  it('an order from the cart orders it and empties it', async () => {
    await fresh();
    await call(api, 'PUT', `/customers/${me}/cart/${rice}`, { quantity: 2 });
    await call(api, 'PUT', `/customers/${me}/cart/${tofu}`, { quantity: 1 });
    const answer = await order({ from_cart: true, pay_method: 'cash' });
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.body.total_cents, 2 * 200 + 1500); // no address, no fee
    assert.deepEqual((await call(api, 'GET', `/customers/${me}/cart`)).body.items, []);
    const [listed] = (await call(api, 'GET', orders)).body.orders;
    assert.deepEqual(listed.lines.map((l) => [l.dish_id, l.quantity]), [[rice, 2], [tofu, 1]]);
    assert.equal(listed.pay_method, 'cash');
  });

  it('an empty cart is 400 22023', async () => {
    await fresh();
    assertError(await order({ from_cart: true }), 400, '22023');
  });

  it('a repeated request_key returns the first order: 201, same order_id, sold once', async () => {
    await fresh();
    const first = await order({ dishes: [tofu], quantities: [1], request_key: 'tap-1' });
    const again = await order({ dishes: [tofu], quantities: [1], request_key: 'tap-1' });
    assert.equal(first.status, 201, first.text);
    assert.deepEqual([again.status, again.body], [201, first.body]);
    assert.deepEqual(await stockAndSold(tofu), [2, 1]);
    assert.equal((await call(api, 'GET', orders)).body.orders.length, 1);
    // the same for a cart order whose retry finds the cart emptied
    await call(api, 'PUT', `/customers/${me}/cart/${tofu}`, { quantity: 1 });
    const cartFirst = await order({ from_cart: true, request_key: 'tap-2' });
    const cartAgain = await order({ from_cart: true, request_key: 'tap-2' });
    assert.equal(cartFirst.status, 201, cartFirst.text);
    assert.deepEqual([cartAgain.status, cartAgain.body], [201, cartFirst.body]);
    assert.deepEqual(await stockAndSold(tofu), [1, 2]);
  });

  it('a request_key reused with other dishes is 422 OR004', async () => {
    await fresh();
    const rice0 = await stockAndSold(rice);
    assert.equal((await order({ dishes: [tofu], quantities: [1], request_key: 'k' })).status, 201);
    assertError(await order({ dishes: [rice], quantities: [1], request_key: 'k' }), 422, 'OR004');
    assert.deepEqual(await stockAndSold(rice), rice0);
  });

  it('insufficient stock is 409 OR001 with the detail, and sells nothing', async () => {
    await fresh();
    const rice0 = await stockAndSold(rice);
    const error = assertError(await order({ dishes: [rice, tofu], quantities: [1, 4] }),
      409, 'OR001');
    assert.match(error.detail, new RegExp(`dish ${tofu} has 3 left, 4 requested`));
    assert.deepEqual(await stockAndSold(tofu), [3, 0]);
    assert.deepEqual(await stockAndSold(rice), rice0);
  });

  it('a dish off sale is 409 OR002', async () => {
    await fresh();
    await sql('SELECT foodorder.set_on_sale($1, false)', tofu);
    assertError(await order({ dishes: [tofu], quantities: [1] }), 409, 'OR002');
  });

  it('bad arguments are 400, with the SQLSTATE when the database judged them', async () => {
    await fresh();
    const other = await h.dish(await h.restaurant(), 100, 5);
    const rice0 = await stockAndSold(rice);
    for (const [body, sqlstate] of [
      [{ dishes: [rice], quantities: [1], pay_method: 'bitcoin' }, '22023'],
      [{ dishes: [rice, other], quantities: [1, 1] }, '22023'],
      [{ dishes: [], quantities: [] }, '22023'],
      [{ dishes: [rice], quantities: [0] }, '22023'],
      [{ quantities: [1] }, '22004'],
      [{ dishes: [rice], quantities: [2147483648] }, '22003'],
      [{ dishes: [rice], quantities: [1.5] }, null],
      [{ dishes: [rice], quantities: ['1'] }, null],
      [{ dishes: rice, quantities: [1] }, null],
      [{ dishes: [rice], quantities: [1], address: '1' }, null],
      [{ dishes: [rice], quantities: [1], pay_method: 1 }, null],
      [{ dishes: [rice], quantities: [1], request_key: 1 }, null],
      [{ from_cart: 'yes' }, null],
      [{ from_cart: null }, null],
      [{ from_cart: 1 }, null],
    ]) {
      assertError(await order(body), 400, sqlstate);
    }
    assertError(await order('{"dishes": [1], "quantities": [1.0]}'), 400, null);
    // an integer past 2^53 reaches the database with every digit, as from Python
    assertError(await order(`{"dishes": [${rice}], "quantities": [99999999999999999999]}`),
      400, '22003');
    assertError(await call(api, 'PUT', `/customers/${me}/cart/${rice}`,
      '{"quantity": 9007199254740993}'), 400, '22003');
    assert.deepEqual(await stockAndSold(rice), rice0);
  });

  it('an unknown dish, customer or another\'s address is 404 23503', async () => {
    await fresh();
    const other = await h.customer();
    const notMine = await value("SELECT foodorder.add_address($1, 'elsewhere')", other);
    assertError(await order({ dishes: [999999], quantities: [1] }), 404, '23503');
    const exact = assertError(await order('{"dishes": [9007199254740993], "quantities": [1]}'),
      404, '23503');
    assert.match(`${exact.message} ${exact.detail}`, /9007199254740993/); // not ...992
    assertError(await call(api, 'POST', '/customers/999999/orders',
      { dishes: [rice], quantities: [1] }), 404, '23503');
    assertError(await order({ dishes: [rice], quantities: [1], address: notMine }), 404, '23503');
    assertError(await call(api, 'GET', '/customers/999999/orders'), 404, '23503');
  });

  it('too many dishes (54000) or too long a request key (22001) is 400', async () => {
    await fresh();
    const rice0 = await stockAndSold(rice);
    const tooMany = Array.from({ length: 101 }, () => rice);
    assertError(await order({ dishes: tooMany, quantities: tooMany.map(() => 1) }), 400, '54000');
    assertError(await order({ dishes: [rice], quantities: [1], request_key: 'k'.repeat(101) }),
      400, '22001');
    assert.deepEqual(await stockAndSold(rice), rice0);
  });

  it('an error the table does not map is 500 "internal error" with its SQLSTATE, logged', async () => {
    await fresh();
    // a NUL character: PostgreSQL text cannot hold it (22021)
    const error = assertError(await order({ dishes: [rice], quantities: [1],
      request_key: 'a\u0000b' }), 500, '22021');
    assert.deepEqual([error.message, error.detail, error.hint], ['internal error', null, null]);
    assert.ok(api.logs.some((l) => l.level === 'error' && l.text.includes('22021')), 'logged');
  });

  it('a lock timeout is 503 55P03 with Retry-After: 1, and the retry succeeds', async () => {
    await fresh();
    // This server's sessions wait 100 ms for a lock; the kitchen holds the dish's row.
    const impatient = await h.startApi({ pool: { options: '-c lock_timeout=100ms' } });
    const kitchen = await h.owner().connect();
    try {
      await kitchen.query('BEGIN');
      await kitchen.query('SELECT FROM foodorder.dish WHERE id = $1 FOR UPDATE', [tofu]);
      const answer = await call(impatient, 'POST', orders, { dishes: [tofu], quantities: [1],
        request_key: 'retry-me' });
      assertError(answer, 503, '55P03');
      await kitchen.query('ROLLBACK');
      const retry = await call(impatient, 'POST', orders, { dishes: [tofu], quantities: [1],
        request_key: 'retry-me' });
      assert.equal(retry.status, 201, retry.text);
      assert.deepEqual(await stockAndSold(tofu), [2, 1]);
    } finally {
      kitchen.release();
      await impatient.close();
    }
  });
});

describe('503: retry', () => {
  let r; let tofu; let me;
  before(async () => {
    r = await h.restaurant();
  });
  const fresh = async () => {
    tofu = await h.dish(r, 1500, 3, 'Tofu');
    me = await h.customer();
  };

  // The kitchen (the owner) holds the dish's row while work() runs.
  async function withRowHeld(dish, work) {
    const kitchen = await h.owner().connect();
    try {
      await kitchen.query('BEGIN');
      const { rows: [{ pid }] } = await kitchen.query(
        'SELECT pg_backend_pid() AS pid FROM foodorder.dish WHERE id = $1 FOR UPDATE', [dish]);
      return await work(pid);
    } finally {
      await kitchen.query('ROLLBACK');
      kitchen.release();
    }
  }

  it('a statement timeout is 503 57014, and nothing was written', async () => {
    await fresh();
    const impatient = await h.startApi({ pool: { options: '-c statement_timeout=100ms' } });
    try {
      await withRowHeld(tofu, async () => assertError(await call(impatient, 'POST',
        `/customers/${me}/orders`, { dishes: [tofu], quantities: [1] }), 503, '57014'));
      assert.deepEqual(await stockAndSold(tofu), [3, 0]);
    } finally {
      await impatient.close();
    }
  });

  it('a read-only session (a standby) is 503 25006', async () => {
    const standby = await h.startApi({ pool: { options: '-c default_transaction_read_only=on' } });
    try {
      assertError(await call(standby, 'POST', '/customers', { name: 'Ada' }), 503, '25006');
    } finally {
      await standby.close();
    }
  });

  it('a session the server ends mid-call is 503 57P01, and the next call gets a new one', async () => {
    await fresh();
    const answer = await withRowHeld(tofu, async (holder) => {
      const pending = call(api, 'POST', `/customers/${me}/orders`,
        { dishes: [tofu], quantities: [1] });
      const [waiting] = await h.waitFor(() => h.sql(
        'SELECT pid FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))', holder)
        .then((rows) => rows.length && rows), () => 'the order waiting for the dish');
      assert.equal(await value('SELECT pg_terminate_backend($1)', waiting.pid), true);
      return pending;
    });
    assertError(answer, 503, '57P01');
    assert.deepEqual(await stockAndSold(tofu), [3, 0]);
    const retry = await call(api, 'POST', `/customers/${me}/orders`,
      { dishes: [tofu], quantities: [1] });
    assert.equal(retry.status, 201, retry.text);
  });
});

describe('cancel', () => {
  let dumplings; let orderId;
  const fresh = async () => {
    dumplings = await h.dish(await h.restaurant(), 900, 4);
    const me = await h.customer();
    const answer = await call(api, 'POST', `/customers/${me}/orders`,
      { dishes: [dumplings], quantities: [3] });
    assert.equal(answer.status, 201, answer.text);
    orderId = answer.body.order_id;
  };

  it('gives the stock back, and a second cancel changes nothing', async () => {
    await fresh();
    const cancel = `/orders/${orderId}/cancel`;
    let answer = await call(api, 'POST', cancel, 'not even JSON: the body is not read');
    assert.deepEqual([answer.status, answer.body],
      [200, { order_id: orderId, changed: true, status: 'cancelled' }]);
    assert.deepEqual(await stockAndSold(dumplings), [4, 0]);
    answer = await call(api, 'POST', cancel);
    assert.deepEqual([answer.status, answer.body],
      [200, { order_id: orderId, changed: false, status: 'cancelled' }]);
    assert.deepEqual(await stockAndSold(dumplings), [4, 0]);
  });

  it('cancelling a completed order is 409 OR003', async () => {
    await fresh();
    for (const step of ['accept_order', 'mark_ready', 'complete_order']) { // the kitchen's side
      assert.equal(await value(`SELECT foodorder.${step}($1)`, orderId), true);
    }
    const error = assertError(await call(api, 'POST', `/orders/${orderId}/cancel`), 409, 'OR003');
    assert.match(error.detail, /completed/);
    assert.deepEqual(await stockAndSold(dumplings), [1, 3]);
  });

  it('an unknown order is 404 23503', async () => {
    assertError(await call(api, 'POST', '/orders/999999/cancel'), 404, '23503');
  });
});

describe('a role that is one customer (grant_customer)', () => {
  let asCustomer; let rice; let me; let other; let othersOrder;
  before(async () => {
    rice = await h.dish(await h.restaurant(), 200, 10);
    me = await h.customer();
    other = await h.customer();
    othersOrder = (await call(api, 'POST', `/customers/${other}/orders`,
      { dishes: [rice], quantities: [1] })).body.order_id;
    await sql('SELECT foodorder.grant_customer($1, $2)', h.CUSTOMER_ROLE, me);
    asCustomer = await h.startApi({ user: h.CUSTOMER_ROLE });
  });
  after(async () => {
    await asCustomer.close();
    await sql('SELECT foodorder.revoke_customer($1)', h.CUSTOMER_ROLE);
  });

  it('acts for its own customer', async () => {
    assert.equal((await call(asCustomer, 'PUT', `/customers/${me}/cart/${rice}`,
      { quantity: 1 })).status, 200);
    const placed = await call(asCustomer, 'POST', `/customers/${me}/orders`, { from_cart: true });
    assert.equal(placed.status, 201, placed.text);
    const listed = await call(asCustomer, 'GET', `/customers/${me}/orders`);
    assert.deepEqual([listed.status, listed.body.orders.map((o) => o.order_id)],
      [200, [placed.body.order_id]]);
  });

  it('is refused 403 42501 for another customer, and changes nothing', async () => {
    const others = `/customers/${other}`;
    for (const [method, path, body] of [
      ['GET', `${others}/cart`],
      ['PUT', `${others}/cart/${rice}`, { quantity: 1 }],
      ['DELETE', `${others}/cart`],
      ['GET', `${others}/orders`],
      ['POST', `${others}/orders`, { dishes: [rice], quantities: [1] }],
      ['POST', `${others}/addresses`, { detail: 'x' }],
      ['POST', `/orders/${othersOrder}/cancel`],
    ]) {
      const error = assertError(await call(asCustomer, method, path, body), 403, '42501');
      assert.match(error.detail, new RegExp(h.CUSTOMER_ROLE), `${method} ${path}`);
    }
    assert.equal(await value('SELECT status FROM foodorder.orders WHERE id = $1', othersOrder),
      'placed');
    assert.deepEqual(await stockAndSold(rice), [8, 2]);
  });
});

describe('requests', () => {
  it('the server runs as the granted app role, not the owner', async () => {
    const { rows: [row] } = await api.pool.query(
      'SELECT current_user AS role, foodorder.caller_is_app() AS app');
    assert.deepEqual(row, { role: h.APP_ROLE, app: true });
    assert.notEqual(h.APP_ROLE, await value('SELECT current_user'));
  });

  it('a body that is not a JSON object, or not UTF-8, is 400', async () => {
    const me = await h.customer();
    for (const body of ['{"dishes": [1', '[1, 2]', '"x"', '1.5', 'null', ' ',
      Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])]) {
      const error = assertError(await call(api, 'POST', `/customers/${me}/orders`, body),
        400, null);
      assert.match(error.message, /^the body (is not JSON|must be a JSON object)/);
    }
  });

  it('other methods are 405 with Allow', async () => {
    for (const [method, path, allow] of [
      ['DELETE', '/customers/1/orders', 'GET, POST'],
      ['PUT', '/menu', 'GET'],
      ['HEAD', '/menu?restaurant=1', 'GET'],
      ['GET', '/customers', 'POST'],
      ['POST', '/customers/1/cart', 'GET, DELETE'],
      ['GET', '/customers/1/cart/1', 'PUT'],
      ['GET', '/orders/1/cancel', 'POST'],
      ['PATCH', '/customers/1/addresses', 'POST'],
    ]) {
      const answer = await call(api, method, path);
      assert.equal(answer.status, 405, `${method} ${path}`);
      assert.equal(answer.headers.allow, allow);
      if (method !== 'HEAD') {
        assertError(answer, 405, null);
        assert.equal(answer.body.error.message, `use ${allow.replace(', ', ' or ')}`);
      }
    }
  });

  it('an unknown path is 404 with the error JSON', async () => {
    for (const path of ['/nope', '/menu/', '/customers/', '/customers/-1/cart',
      '/customers/x/cart', '/customers/1/cart/1/2', '/orders/1/eat', '/orders//cancel',
      '/restaurants/1/orders/1', '/orders/9223372036854775808/cancel']) {
      const error = assertError(await call(api, 'GET', path), 404, null);
      assert.equal(error.message, `no such path: ${path}`);
    }
    assertError(await call(api, 'GET', '/customers/%zz/cart'), 404, null);
  });

  it('ids are the path\'s digits, percent-encoded or with leading zeros, up to bigint\'s', async () => {
    const me = await h.customer();
    const padded = await call(api, 'GET', `/customers/000${me}/cart`);
    assert.deepEqual([padded.status, padded.body.customer_id], [200, me]);
    const encoded = await call(api, 'GET', `/customers/${String(me).replace(/^./, (d) => `%3${d}`)}/cart`);
    assert.deepEqual([encoded.status, encoded.body.customer_id], [200, me]);
    // the largest bigint is a path; one more is none (no row could have it)
    assertError(await call(api, 'POST', '/orders/9223372036854775807/cancel'), 404, '23503');
    assertError(await call(api, 'POST', '/orders/9223372036854775808/cancel'), 404, null);
    assertError(await call(api, 'GET', '/customers/99999999999999999999/cart'), 404, null);
  });

  it('the database unreachable is 503 with sqlstate null and Retry-After: 1', async () => {
    const nowhere = await h.startApi({ pool: { host: '/nonexistent-foodorder-socket-dir',
      connectionTimeoutMillis: 60000 } });
    try {
      const error = assertError(await call(nowhere, 'GET', '/customers/1/cart'), 503, null);
      assert.equal(error.message, 'database unavailable');
      assert.ok(nowhere.logs.some((l) => l.level === 'warn'), 'logged');
    } finally {
      await nowhere.close();
    }
  });
});
