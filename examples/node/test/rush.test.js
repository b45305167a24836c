'use strict';
// A rush on one dish over HTTP: 20 customers order at once, 12 portions.
// Really at once: the owner holds the dish's row lock while the 20 requests
// go out, and lets go only when all 20 are waiting for it in the database
// (pg_blocking_pids), so every order's transaction overlaps every other's.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

const CUSTOMERS = 20;
const PORTIONS = 12;

let api;
// a pool as big as the rush, so no request waits for a free connection
before(async () => { api = await h.startApi({ max: CUSTOMERS + 5 }); });
after(async () => { await api.close(); await h.end(); });

async function rush({ hot }) {
  const r = await h.restaurant();
  const dish = await h.dish(r, 1800, PORTIONS, 'Kung Pao chicken');
  const rice = await h.dish(r, 200, 1000, 'Rice'); // plenty: only the dish runs out
  if (hot) await h.sql('SELECT foodorder.set_hot($1)', dish);
  const customers = [];
  for (let i = 0; i < CUSTOMERS; i += 1) customers.push(await h.customer());

  const holder = await h.owner().connect();
  let answers;
  try {
    await holder.query('BEGIN');
    const { rows: [{ pid }] } = await holder.query(
      'SELECT pg_backend_pid() AS pid FROM foodorder.dish WHERE id = $1 FOR UPDATE', [dish]);
    // dishes named in either order: the extension must lock them in one order
    const requests = customers.map((c, i) => h.call(api, 'POST', `/customers/${c}/orders`,
      { dishes: i % 2 ? [dish, rice] : [rice, dish], quantities: [1, 1] }));
    const settled = Promise.allSettled(requests);
    // the first waits for the holder, the others for the first (the row's
    // tuple lock), or for each other: the sessions the holder blocks, directly or not
    await h.waitFor(async () => (await h.sql(`
      WITH RECURSIVE blocked(pid) AS (
          SELECT $1::integer
          UNION
          SELECT a.pid FROM pg_stat_activity a JOIN blocked b
              ON b.pid = ANY (pg_blocking_pids(a.pid)))
      SELECT count(*) - 1 AS n FROM blocked`, pid))[0].n === CUSTOMERS,
    () => `${CUSTOMERS} orders waiting for the dish's row`);
    await holder.query('COMMIT');
    answers = (await settled).map((s) => (s.status === 'fulfilled' ? s.value
      : { status: 'exception', text: String(s.reason) }));
  } finally {
    holder.release();
  }

  const placed = answers.filter((a) => a.status === 201);
  const refused = answers.filter((a) => a.status === 409 && a.body.error.sqlstate === 'OR001');
  const others = answers.filter((a) => !placed.includes(a) && !refused.includes(a));
  assert.deepEqual(others.map((a) => `${a.status} ${a.text}`), [],
    'only 201 and 409 OR001: no deadlock, no retry');
  assert.deepEqual([placed.length, refused.length], [PORTIONS, CUSTOMERS - PORTIONS]);
  assert.ok(refused.every((a) => /has 0 left, 1 requested/.test(a.body.error.detail)),
    'each refusal says none is left');
  assert.equal(new Set(placed.map((a) => a.body.order_id)).size, PORTIONS);
  assert.deepEqual(await h.stockAndSold(dish), [0, PORTIONS]);
  assert.deepEqual(await h.stockAndSold(rice), [1000 - PORTIONS, PORTIONS]);
  assert.deepEqual(await h.sql('SELECT * FROM foodorder.verify()'), []);
}

describe('20 concurrent orders over HTTP for 12 portions', () => {
  it('exactly 12 placed (201), 8 refused (409 OR001), stock 0, sold 12, verify() empty',
    () => rush({ hot: false }));
  it('the same for a hot dish (its stock in slots)', () => rush({ hot: true }));
});
