'use strict';
// Run after every other test file (test/node/run): each operation of
// examples/openapi.json was exercised by the tests over HTTP, its answers
// checked against the file (test/helpers.js records what call() met in
// $FOODORDER_NODE_SEEN), and with every status the file documents for it.
const { it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const nodePath = require('node:path');
const openapi = require('../openapi');

it('every operation of examples/openapi.json was exercised, with each documented status', () => {
  const spec = openapi.load();
  assert.ok(spec, `${openapi.SPEC_FILE} is missing`);
  const folder = process.env.FOODORDER_NODE_SEEN;
  assert.ok(folder, 'FOODORDER_NODE_SEEN is not set: run test/node/run');
  const seen = new Set(fs.readdirSync(folder).filter((f) => /^seen-\d+\.json$/.test(f))
    .flatMap((f) => JSON.parse(fs.readFileSync(nodePath.join(folder, f), 'utf8'))));
  const missed = [];
  const statusesMissed = [];
  for (const { method, template, operation } of openapi.operations(spec)) {
    const name = `${method} ${template}`;
    const met = Object.keys(operation.responses).filter((s) => seen.has(`${name} ${s}`));
    if (met.length === 0) missed.push(name);
    const notMet = Object.keys(operation.responses).filter((s) => !met.includes(s));
    if (notMet.length) statusesMissed.push(`${name}: ${notMet.join(' ')}`);
  }
  assert.deepEqual(missed, [], 'operations no test exercised');
  assert.deepEqual(statusesMissed, [], 'documented statuses no test met');
});
