// A node --test reporter printing one line per test, as the other suites
// of this repository do:  "  PASS  name: notes (S s)" or "  FAIL  name:
// notes (S s)" and the error, then "screens: N passed, M failed".  The
// notes are the test's t.diagnostic() lines, which node reports after the
// test's result, so a result is printed when the next event comes.
// (node --test --test-reporter=./test-e2e/reporter.mjs FILES)
export default async function* reporter(source) {
  let passed = 0;
  let failed = 0;
  let pending = null;  // {type, data, notes}

  function line(p) {
    const d = p.data;
    const notes = p.notes.length ? `: ${p.notes.join('; ')}` : '';
    const secs = d.details ? ` (${(d.details.duration_ms / 1000).toFixed(1)} s)` : '';
    if (d.skip || d.todo) {
      return `  SKIP  ${d.name}${typeof d.skip === 'string' ? `: ${d.skip}` : ''}\n`;
    }
    if (p.type === 'test:pass') {
      passed += 1;
      return `  PASS  ${d.name}${notes}${secs}\n`;
    }
    failed += 1;
    const err = d.details && d.details.error;
    const why = err ? String((err.cause && err.cause.message) || err.message) : 'failed';
    return `  FAIL  ${d.name}${notes}${secs}\n        ${why.split('\n').slice(0, 30).join('\n        ')}\n`;
  }

  for await (const event of source) {
    const d = event.data;
    if (event.type === 'test:diagnostic' && pending && d.file === pending.data.file &&
        d.nesting === pending.data.nesting) {
      pending.notes.push(d.message);
      continue;
    }
    if (pending && ['test:diagnostic', 'test:start', 'test:pass', 'test:fail'].includes(event.type)) {
      yield line(pending);
      pending = null;
    }
    if ((event.type === 'test:pass' || event.type === 'test:fail') &&
        !(d.details && d.details.type === 'suite')) {
      pending = { type: event.type, data: d, notes: [] };
    } else if (event.type === 'test:stderr' || event.type === 'test:stdout') {
      yield `        ${d.message.trimEnd()}\n`;
    }
  }
  if (pending) yield line(pending);
  yield `screens: ${passed} passed, ${failed} failed\n`;
}
