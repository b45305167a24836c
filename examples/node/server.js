'use strict';
// The foodorder example API in Node.js: node:http and node-postgres, no
// framework.  The same endpoints, JSON and SQLSTATE -> HTTP table as
// examples/django, the kitchen board's endpoints, and the files of public/
// at / (the customer page and the kitchen board).
//
//   PGHOST=/var/run/postgresql PGUSER=app PGDATABASE=shop PORT=8000 node server.js
//
// The database is the one libpq's PG* variables name (PGHOST may be a
// socket directory); PGUSER should be a role granted with
// foodorder.grant_app(), and foodorder.grant_staff() for the kitchen.  The
// server listens on 127.0.0.1:$PORT (8000); FOODORDER_POOL_MAX connections
// at most (10).
const http = require('node:http');
const nodePath = require('node:path');
const pg = require('pg');
const { makeHandler } = require('./lib/routes');

// bigint (int8) columns as JSON numbers, as Django's psycopg2 gives Python
// ints: ids, order totals, line_cents.  pg's default is a string, to keep
// values beyond 2^53; no id or sum of cents here comes near that.  Set on
// this pool's clients only, not globally for every pg user in the process.
const types = new pg.TypeOverrides();
types.setTypeParser(pg.types.builtins.INT8, (text) => Number(text));

function createPool(config = {}) {
  const pool = new pg.Pool({
    max: Number(process.env.FOODORDER_POOL_MAX) || 10,
    // waiting for a free client (or a slow connect) is bounded: then 503
    connectionTimeoutMillis: 30000,
    idleTimeoutMillis: 10000,
    ...config,
    types,
  });
  // An idle client whose connection breaks (server restart, terminated
  // backend) is dropped from the pool; without a listener it would crash us.
  pool.on('error', (err) => console.warn('idle database connection lost:', err.message));
  return pool;
}

function createServer({ pool, publicDir = nodePath.join(__dirname, 'public'), log = console }) {
  const server = http.createServer(makeHandler({ pool, publicDir, log }));
  server.keepAliveTimeout = 5000;
  return server;
}

module.exports = { createPool, createServer, types };

if (require.main === module) {
  const pool = createPool();
  const server = createServer({ pool });
  const port = Number(process.env.PORT || 8000);
  server.listen(port, '127.0.0.1', () => {
    console.log(`foodorder example API on http://127.0.0.1:${server.address().port}/`);
  });
  const stop = () => {
    server.close(() => pool.end().then(() => process.exit(0)));
    server.closeIdleConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
