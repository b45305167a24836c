// One checkout is one order: a double tap on Order, and a retry after an
// answer that never reached the page, each make exactly one order, counted
// in the database.  The retry proves the request_key: the page sends the
// same key again, and the server returns the order the first try placed.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

let browser;
let db;
before(async () => { [browser, db] = await Promise.all([h.launch(), h.connect()]); });
after(async () => { await Promise.allSettled([browser && browser.close(), db && db.end()]); });

async function ordersOf(customer) {
  return (await h.one(db, 'SELECT count(*)::int AS n FROM foodorder.orders WHERE customer_id = $1',
    [customer])).n;
}

// The request_key of every POST /customers/C/orders the page sends.
function orderPosts(page) {
  const keys = [];
  page.on('request', (req) => {
    if (req.method() === 'POST' && /\/customers\/\d+\/orders$/.test(new URL(req.url()).pathname)) {
      keys.push(JSON.parse(req.postData()).request_key);
    }
  });
  return keys;
}

test('a double tap on + adds two, a double tap on Order places one order', async (t) => {
  const r = await h.makeRestaurant(db, 'Double tap diner', [{ name: 'Dumplings', price: 1200, stock: 10 }]);
  const [dumplings] = r.dishes;
  const customer = await h.makeCustomer(db, 'Chen');
  const page = await h.openCustomer(browser, r.id, customer);
  const posts = orderPosts(page);
  // two quick taps on + (the second before the first is answered) are 2
  await page.dblclick(`[data-testid="plus-${dumplings}"]`);
  await h.waitDom(page, 'two in the cart', (d) =>
    document.querySelector(`[data-testid="qty-${d}"]`).textContent === '2', dumplings);
  const inCart = (await h.one(db, 'SELECT quantity FROM foodorder.cart_item WHERE customer_id = $1 AND dish_id = $2',
    [customer, dumplings])).quantity;
  assert.equal(inCart, 2, 'two + taps put 2 in the cart');

  await page.dblclick('[data-testid="order-button"]');
  const outcome = await h.orderOutcome(page);
  assert.equal(outcome.kind, 'ok', `the order is placed: ${JSON.stringify(outcome)}`);
  // a late third tap, after the answer, finds an empty cart: no order
  assert.equal(await page.locator('[data-testid="order-button"]').isDisabled(), true,
    'Order is off once the cart is empty');

  const n = await ordersOf(customer);
  const stock = await h.stockOf(db, dumplings);
  assert.equal(n, 1, 'exactly one order in the database');
  assert.equal(stock, 8, 'two portions taken, once');
  assert.ok(posts.length >= 1 && new Set(posts).size === 1, `one request_key: ${posts}`);
  t.diagnostic(`2 taps on + -> ${inCart} in the cart; 2 taps on Order -> ${posts.length} POST, ${n} order, stock 10 -> ${stock}`);
});

test('a retry after a lost answer sends the same request_key: still one order', async (t) => {
  const r = await h.makeRestaurant(db, 'Lost answer noodles', [{ name: 'Beef noodles', price: 2200, stock: 5 }]);
  const [noodles] = r.dishes;
  const customer = await h.makeCustomer(db, 'Dora');
  const page = await h.openCustomer(browser, r.id, customer);
  const posts = orderPosts(page);
  await h.addToCart(page, noodles, 1);

  // The first POST reaches the server (the order is placed, the cart
  // emptied) but its answer is dropped, as by a flaky mobile connection.
  let dropped = 0;
  await page.route('**/customers/*/orders', async (route) => {
    if (route.request().method() !== 'POST' || dropped > 0) return route.fallback();
    const answer = await route.fetch();
    dropped = answer.status();
    return route.abort('connectionreset');
  });
  await page.click('[data-testid="order-button"]');
  const first = await h.orderOutcome(page);
  assert.equal(dropped, 201, 'the server placed the order the page never heard of');
  assert.equal(first.kind, 'error', `the page says it got no answer: ${JSON.stringify(first)}`);
  assert.equal(await ordersOf(customer), 1, 'one order after the first try');

  // the cart is empty now, but Order stays on to retry the same checkout
  await h.waitDom(page, 'the Retry order button', () => {
    const b = document.querySelector('[data-testid="order-button"]');
    return !b.disabled && /retry/i.test(b.textContent) &&
      document.querySelector('[data-testid="cart-lines"]').children.length === 0;
  });
  await page.click('[data-testid="order-button"]');
  const second = await h.orderOutcome(page);
  assert.equal(second.kind, 'ok', `the retry gets the order: ${JSON.stringify(second)}`);

  const { id: placed } = await h.one(db, 'SELECT id::int FROM foodorder.orders WHERE customer_id = $1', [customer]);
  const n = await ordersOf(customer);
  const stock = await h.stockOf(db, noodles);
  assert.equal(posts.length, 2, 'two POSTs: the lost one and the retry');
  assert.equal(posts[0], posts[1], 'the retry reuses the request_key');
  assert.equal(second.orderId, placed, 'the retry answers with the order of the first try');
  assert.equal(n, 1, 'exactly one order in the database');
  assert.equal(stock, 4, 'one portion taken, once');
  t.diagnostic(`2 POSTs with one key, ${n} order (id ${placed}), stock 5 -> ${stock}`);
});
