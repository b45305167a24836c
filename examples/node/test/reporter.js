'use strict';
// A node --test reporter printing one line per test, as the project's test
// scripts do ("  PASS  what (ms)" / "  FAIL  what" and why), and at the end
// "tests: N passed, M failed", which test/node/run adds up.
const { inspect } = require('node:util');

module.exports = async function* reporter(source) {
  let passed = 0;
  let failed = 0;
  for await (const event of source) {
    const { data } = event;
    if (event.type === 'test:pass' || event.type === 'test:fail') {
      // suites (describe) pass or fail by their tests; a file is counted
      // only when it fails outside any test (it did not load, say)
      if (data.details && data.details.type === 'suite' && event.type === 'test:pass') continue;
      const where = data.file ? ` [${require('node:path').basename(data.file)}]` : '';
      const ms = data.details && data.details.duration_ms;
      if (event.type === 'test:pass') {
        if (data.skip || data.todo) continue;
        passed += 1;
        yield `  PASS  ${data.name}${ms === undefined ? '' : ` (${Math.round(ms)} ms)`}\n`;
      } else {
        const error = data.details && data.details.error;
        // a suite fails when a test in it did (already counted), or in a hook
        if (data.details && data.details.type === 'suite'
            && error && error.failureType === 'subtestsFailed') continue;
        failed += 1;
        const why = error && (error.cause || error);
        yield `  FAIL  ${data.name}${where}\n${inspect(why, { depth: 4 })
          .split('\n').map((line) => `        ${line}`).join('\n')}\n`;
      }
    } else if (event.type === 'test:stdout' || event.type === 'test:stderr') {
      yield data.message;
    }
  }
  yield `tests: ${passed} passed, ${failed} failed\n`;
};
