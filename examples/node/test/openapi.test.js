'use strict';
// The Node server and examples/openapi.json agree: the same paths and
// methods both ways, ids as the file says, 405 with Allow on every path;
// and the validator of test/openapi.js rejects what it should (negative
// controls on real answers), so a passing check means something.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');
const openapi = require('./openapi');
const { ROUTES, match, BIGINT_MAX } = require('../lib/routes');

const spec = openapi.load();
const filled = (template, id = 1) => template.replace(/\{\w+\}/g, String(id));
let api;
before(async () => {
  assert.ok(spec, `${openapi.SPEC_FILE} is missing`);
  api = await h.startApi();
});
after(async () => { await api.close(); await h.end(); });

describe('the server and examples/openapi.json', () => {
  it('serve exactly the same operations', () => {
    const served = ROUTES.flatMap((r) => Object.keys(r.methods).map((m) => `${m} ${r.template}`));
    const documented = openapi.operations(spec).map((o) => `${o.method} ${o.template}`);
    assert.deepEqual(served.sort(), documented.sort());
    for (const { method, template } of openapi.operations(spec)) {
      const found = match(filled(template));
      assert.ok(found && found.route.template === template && found.route.methods[method],
        `${method} ${template} is served`);
    }
  });

  it('path ids are integers up to bigint\'s maximum in both', () => {
    for (const { method, template, operation } of openapi.operations(spec)) {
      for (const p of (operation.parameters || []).map((x) => openapi.deref(spec, x))) {
        if (p.in !== 'path') continue;
        const schema = openapi.deref(spec, p.schema);
        assert.deepEqual([schema.type, String(schema.maximum)], ['integer', String(BIGINT_MAX)],
          `${method} ${template} ${p.name}`);
      }
      if (template.includes('{')) {
        assert.ok(match(filled(template, BIGINT_MAX)), `${template} with the largest bigint`);
        assert.equal(match(filled(template, BIGINT_MAX + 1n)), null, `${template} past it`);
      }
    }
  });

  it('every path answers the other methods with 405 and Allow, as the file says', async () => {
    for (const [template, item] of Object.entries(spec.paths)) {
      for (const method of ['GET', 'PUT', 'POST', 'DELETE', 'PATCH']) {
        if (item[method.toLowerCase()]) continue;
        // call() checks the answer against x-wrong-method and Allow against the path's methods
        assert.equal((await call405(method, filled(template))).status, 405, `${method} ${template}`);
      }
    }
  });
});

// A request to each operation that passes the app's own checks, so the
// database is reached.
const REQUESTS = {
  'GET /menu': ['/menu?restaurant=1'],
  'POST /customers': ['/customers', { name: 'Ada' }],
  'POST /customers/{customer_id}/addresses': ['/customers/1/addresses', { detail: 'x' }],
  'PUT /customers/{customer_id}/cart/{dish_id}': ['/customers/1/cart/1', { quantity: 1 }],
  'POST /customers/{customer_id}/orders': ['/customers/1/orders', { dishes: [1], quantities: [1] }],
};
function requestOf({ method, template }) {
  const [path, body] = REQUESTS[`${method} ${template}`] || [filled(template)];
  return [method, path, body];
}

describe('every operation, when the database fails', () => {
  it('answers 503 with Retry-After when the database is unreachable', async () => {
    const down = await h.startApi({ pool: { host: '/nonexistent-foodorder-socket-dir' } });
    try {
      for (const op of openapi.operations(spec)) {
        const error = h.assertError(await h.call(down, ...requestOf(op)), 503, null);
        assert.equal(error.message, 'database unavailable');
      }
    } finally {
      await down.close();
    }
  });

  it('answers 500 "internal error" with the SQLSTATE for an error outside the table', async () => {
    // a pool whose every statement fails with XX000 (internal_error), as a
    // broken server would: the answer must not show the message
    const { DatabaseError } = require('pg');
    const failing = {
      async connect() {
        return {
          async query() {
            const err = new DatabaseError('secret internals', 0, 'error');
            err.code = 'XX000';
            throw err;
          },
          release() {},
          on() {},
        };
      },
    };
    const broken = await h.startApi({ pool: failing });
    try {
      for (const op of openapi.operations(spec)) {
        const error = h.assertError(await h.call(broken, ...requestOf(op)), 500, 'XX000');
        assert.deepEqual([error.message, error.detail, error.hint], ['internal error', null, null]);
      }
      assert.ok(broken.logs.every((l) => l.level === 'error'));
      assert.equal(broken.logs.length, openapi.operations(spec).length, 'each one logged');
    } finally {
      await broken.close();
    }
  });
});

const call405 = (method, path) => h.call(api, method, path, method === 'GET' ? undefined : {});

describe('the validator (negative controls on real answers)', () => {
  let menu; let restaurant; let error503; let error405;
  before(async () => {
    restaurant = await h.restaurant();
    await h.dish(restaurant, 100, 1);
    menu = await h.call(api, 'GET', `/menu?restaurant=${restaurant}`);
    error405 = await h.call(api, 'DELETE', '/menu');
    const down = await h.startApi({ pool: { host: '/nonexistent-foodorder-socket-dir' } });
    try {
      error503 = await h.call(down, 'GET', `/menu?restaurant=${restaurant}`);
    } finally {
      await down.close();
    }
  });
  const problems = (answer, method = 'GET', path = `/menu?restaurant=${restaurant}`) => (
    openapi.problemsOf(spec, method, path, answer).problems);
  const changed = (answer, edit) => {
    const copy = structuredClone(answer);
    edit(copy);
    copy.text = JSON.stringify(copy.body);
    return copy;
  };

  it('accepts the real answers as they are', () => {
    assert.deepEqual([menu.status, error503.status, error405.status], [200, 503, 405]);
    assert.deepEqual(problems(menu), []);
    assert.deepEqual(problems(error503), []);
    assert.deepEqual(problems(error405, 'DELETE', '/menu'), []);
  });

  it('rejects an extra property', () => {
    assert.match(problems(changed(menu, (a) => { a.body.dishes[0].spicy = true; })).join(),
      /"spicy" is not a documented property/);
  });

  it('rejects a missing required property', () => {
    assert.match(problems(changed(menu, (a) => { delete a.body.restaurant.name; })).join(),
      /"name" is missing/);
  });

  it('rejects a wrong type: an id as a string, as pg gives bigint by default', () => {
    assert.match(problems(changed(menu, (a) => { a.body.restaurant.id = String(a.body.restaurant.id); })).join(),
      /is string, not integer/);
    assert.match(problems(changed(error503, (a) => { a.body.error.detail = 7; })).join(),
      /is integer, not string/);
  });

  it('rejects an undocumented status, and a value outside an enum or pattern', () => {
    assert.match(problems(changed(menu, (a) => { a.status = 409; })).join(),
      /status 409 is not documented/);
    assert.match(problems(changed(error503, (a) => { a.body.error.sqlstate = 'OR001'; })).join(),
      /is not one of/);
    assert.match(problems(changed(menu, (a) => { a.status = 201; }), 'POST', '/customers/1/orders')
      .join(), /"order_id" is missing/);
    const order = { order_id: 1, order_no: 'FO00000001', restaurant_id: 1, status: 'placed',
      pay_status: 'unpaid', total_count: 1, total_cents: 1, delivery_fee_cents: 0, address_id: null,
      pay_method: null, created_at: '2026-01-02T03:04:05.000Z',
      lines: [{ dish_id: 1, name: 'x', quantity: 1, price_cents: 1 }] };
    const listed = { status: 200, headers: { 'content-type': 'application/json' },
      body: { orders: [order], incomplete: false } };
    listed.text = JSON.stringify(listed.body);
    assert.deepEqual(problems(listed, 'GET', '/customers/1/orders'), []);
    assert.match(problems(changed(listed, (a) => { a.body.orders[0].created_at = '2026-01-02T03:04:05Z'; }),
      'GET', '/customers/1/orders').join(), /does not match/);
    assert.match(problems(changed(listed, (a) => { a.body.orders[0].status = 'eaten'; }),
      'GET', '/customers/1/orders').join(), /is not one of/);
  });

  it('rejects a missing declared header and a wrong Allow', () => {
    assert.match(problems(changed(error503, (a) => { delete a.headers['retry-after']; })).join(),
      /header retry-after is missing/);
    assert.match(problems(changed(error405, (a) => { a.headers.allow = 'GET, POST'; }),
      'DELETE', '/menu').join(), /Allow/);
    assert.match(problems(changed(menu, (a) => { a.headers['retry-after'] = '1'; })).join(),
      /retry-after is sent but not declared/);
  });

  it('rejects an accepted request body the file does not allow', async () => {
    const me = await h.customer();
    const d = await h.dish(restaurant, 100, 5);
    const cart = await h.call(api, 'PUT', `/customers/${me}/cart/${d}`, { quantity: 1 });
    assert.equal(cart.status, 200);
    const path = `/customers/${me}/cart/${d}`;
    assert.deepEqual(openapi.problemsOf(spec, 'PUT', path, cart, { quantity: 1 }).problems, []);
    assert.match(openapi.problemsOf(spec, 'PUT', path, cart, { quantity: 1, note: 'x' }).problems
      .join(), /"note" is not a documented property/);
    assert.match(openapi.problemsOf(spec, 'PUT', path, cart, { quantity: '1' }).problems.join(),
      /request body.*is string, not integer/);
  });

  it('rejects an answer to a path the file does not have, unless it is the 404', () => {
    assert.match(problems(menu, 'GET', '/menus').join(), /documented 404 only/);
    assert.match(problems(menu, 'GET', `/orders/${BIGINT_MAX + 1n}/cancel`).join(),
      /documented 404 only/);
  });
});
