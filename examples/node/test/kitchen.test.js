'use strict';
// The kitchen board's endpoints: GET /restaurants/{id}/orders and the staff
// steps POST /orders/{id}/accept|reject|ready|complete.  The app role is made
// staff (foodorder.grant_staff) of each test's restaurant; a restaurant it
// is not staff of is refused (42501, 403).
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

const { call, assertError, sql, value, stockAndSold } = h;
let api;
before(async () => { api = await h.startApi(); });
after(async () => { await api.close(); await h.end(); });

// A restaurant whose staff the app role is, a dish, a customer, an order.
async function kitchen({ staff = true, portions = 5, quantity = 2 } = {}) {
  const r = await h.restaurant();
  if (staff) await sql('SELECT foodorder.grant_staff($1, $2)', h.APP_ROLE, r);
  const d = await h.dish(r, 700, portions, 'Dumplings');
  const c = await h.customer();
  const placed = await call(api, 'POST', `/customers/${c}/orders`,
    { dishes: [d], quantities: [quantity] });
  assert.equal(placed.status, 201, placed.text);
  return { r, d, c, orderId: placed.body.order_id };
}

const step = (orderId, action) => call(api, 'POST', `/orders/${orderId}/${action}`);

describe('the kitchen\'s steps', () => {
  it('accept, ready, complete: each changes the order once, a repeat changes nothing', async () => {
    const { d, orderId } = await kitchen();
    for (const [action, status] of [['accept', 'accepted'], ['ready', 'ready'],
      ['complete', 'completed']]) {
      let answer = await step(orderId, action);
      assert.deepEqual([answer.status, answer.body],
        [200, { order_id: orderId, changed: true, status }], action);
      answer = await step(orderId, action);
      assert.deepEqual([answer.status, answer.body],
        [200, { order_id: orderId, changed: false, status }], `${action} again`);
      assert.equal(await value('SELECT status FROM foodorder.orders WHERE id = $1', orderId),
        status);
    }
    assert.deepEqual(await stockAndSold(d), [3, 2]); // sold, never given back
    assertError(await step(orderId, 'cancel'), 409, 'OR003');
  });

  it('reject gives the stock back', async () => {
    const { d, orderId } = await kitchen({ portions: 5, quantity: 2 });
    assert.deepEqual(await stockAndSold(d), [3, 2]);
    const answer = await step(orderId, 'reject');
    assert.deepEqual([answer.status, answer.body],
      [200, { order_id: orderId, changed: true, status: 'rejected' }]);
    assert.deepEqual(await stockAndSold(d), [5, 0]);
    const again = await step(orderId, 'reject');
    assert.deepEqual(again.body, { order_id: orderId, changed: false, status: 'rejected' });
    assert.deepEqual(await stockAndSold(d), [5, 0]); // once
    assert.equal(await value('SELECT count(*) FROM foodorder.verify()'), 0);
  });

  it('a step out of order is 409 OR003 with the order\'s status in the detail', async () => {
    const { orderId } = await kitchen();
    for (const action of ['ready', 'complete']) {
      const error = assertError(await step(orderId, action), 409, 'OR003');
      assert.match(error.detail, /placed/, action);
    }
    assert.equal((await step(orderId, 'accept')).status, 200);
    assertError(await step(orderId, 'reject'), 409, 'OR003');
    const { orderId: cancelled } = await kitchen();
    assert.equal((await step(cancelled, 'cancel')).status, 200);
    assertError(await step(cancelled, 'accept'), 409, 'OR003');
    assert.equal(await value('SELECT status FROM foodorder.orders WHERE id = $1', orderId),
      'accepted');
  });

  it('a role that is not staff of the order\'s restaurant is 403 42501, and nothing changes', async () => {
    const { d, orderId } = await kitchen({ staff: false });
    await kitchen(); // staff of another restaurant: no help here
    for (const action of ['accept', 'reject', 'ready', 'complete']) {
      assertError(await step(orderId, action), 403, '42501');
    }
    assert.equal(await value('SELECT status FROM foodorder.orders WHERE id = $1', orderId),
      'placed');
    assert.deepEqual(await stockAndSold(d), [3, 2]);
  });

  it('an unknown order is 404 23503', async () => {
    await kitchen();
    for (const action of ['accept', 'reject', 'ready', 'complete']) {
      assertError(await step(999999, action), 404, '23503');
    }
  });

  it('GET on a step is 405 with Allow: POST', async () => {
    const answer = await call(api, 'GET', '/orders/1/accept');
    assert.deepEqual([answer.status, answer.headers.allow], [405, 'POST']);
  });
});

describe('the board: GET /restaurants/{id}/orders', () => {
  it('lists the restaurant\'s orders newest first, as the customer\'s list plus customer_id', async () => {
    const { r, d, c, orderId } = await kitchen();
    const other = await h.customer();
    const second = (await call(api, 'POST', `/customers/${other}/orders`,
      { dishes: [d], quantities: [1], pay_method: 'cash' })).body.order_id;
    await kitchen(); // another restaurant's order: not on this board
    await step(orderId, 'accept');

    const answer = await call(api, 'GET', `/restaurants/${r}/orders`);
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.restaurant_id, r);
    assert.deepEqual(answer.body.orders.map((o) => [o.order_id, o.customer_id, o.status]),
      [[second, other, 'placed'], [orderId, c, 'accepted']]);
    // the same order, as the customer's own list shows it, plus customer_id
    const [mine] = (await call(api, 'GET', `/customers/${c}/orders`)).body.orders;
    assert.deepEqual(answer.body.orders[1], { ...mine, customer_id: c });
    assert.deepEqual(answer.body.orders[0].lines,
      [{ dish_id: d, name: 'Dumplings', quantity: 1, price_cents: 700 }]);
  });

  it('shows the newest 100', async () => {
    const { r, d, c } = await kitchen({ portions: 200, quantity: 1 });
    await sql(`SELECT foodorder.place_order($1, ARRAY[$2::bigint], ARRAY[1])
                 FROM generate_series(1, 100)`, c, d);
    const newest = await sql(`SELECT id FROM foodorder.orders WHERE restaurant_id = $1
                               ORDER BY id DESC LIMIT 100`, r);
    const { body } = await call(api, 'GET', `/restaurants/${r}/orders`);
    assert.deepEqual(body.orders.map((o) => o.order_id), newest.map((o) => o.id));
    assert.equal(await value('SELECT count(*) FROM foodorder.orders WHERE restaurant_id = $1', r),
      101);
  });

  it('an empty board is 200 [], an unknown restaurant 404 with sqlstate null', async () => {
    const r = await h.restaurant();
    const answer = await call(api, 'GET', `/restaurants/${r}/orders`);
    assert.deepEqual([answer.status, answer.body], [200, { restaurant_id: r, orders: [] }]);
    const error = assertError(await call(api, 'GET', '/restaurants/999999/orders'), 404, null);
    assert.equal(error.message, 'restaurant 999999 does not exist');
  });
});

describe('a role granted nothing', () => {
  let bare; let ids;
  before(async () => {
    const { r, d, c, orderId } = await kitchen();
    ids = { r, d, c, orderId };
    bare = await h.startApi({ user: h.NOGRANT_ROLE });
  });
  after(async () => { await bare.close(); });

  it('is refused 403 42501 by every operation', async () => {
    const { r, d, c, orderId } = ids;
    for (const [method, path, body] of [
      ['GET', `/menu?restaurant=${r}`],
      ['POST', '/customers', { name: 'Eve' }],
      ['POST', `/customers/${c}/addresses`, { detail: 'x' }],
      ['GET', `/customers/${c}/cart`],
      ['DELETE', `/customers/${c}/cart`],
      ['PUT', `/customers/${c}/cart/${d}`, { quantity: 1 }],
      ['GET', `/customers/${c}/orders`],
      ['POST', `/customers/${c}/orders`, { dishes: [d], quantities: [1] }],
      ['GET', `/restaurants/${r}/orders`],
      ...['cancel', 'accept', 'reject', 'ready', 'complete']
        .map((action) => ['POST', `/orders/${orderId}/${action}`]),
    ]) {
      assertError(await call(bare, method, path, body), 403, '42501');
    }
    assert.equal(await value('SELECT status FROM foodorder.orders WHERE id = $1', orderId),
      'placed');
  });
});
