'use strict';
// public/ served at /: the files with their content types, GET and HEAD
// only, and nothing outside the folder (.., encoded .., dot files, a
// symbolic link out, a folder) however the path is written.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const nodePath = require('node:path');
const h = require('./helpers');

let api; let dir;
before(async () => {
  dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'foodorder-node-static-'));
  const pub = nodePath.join(dir, 'public');
  fs.mkdirSync(nodePath.join(pub, 'sub'), { recursive: true });
  fs.writeFileSync(nodePath.join(pub, 'index.html'), '<!doctype html><title>menu</title>');
  fs.writeFileSync(nodePath.join(pub, 'customer.html'), '<!doctype html><title>order</title>');
  fs.writeFileSync(nodePath.join(pub, 'app.js'), 'console.log("hi");');
  fs.writeFileSync(nodePath.join(pub, 'style.css'), 'body{}');
  fs.writeFileSync(nodePath.join(pub, 'sub', 'data.json'), '{"a":1}');
  fs.writeFileSync(nodePath.join(pub, '.env'), 'SECRET=1');
  fs.writeFileSync(nodePath.join(dir, 'secret.txt'), 'SECRET');
  fs.symlinkSync(nodePath.join(dir, 'secret.txt'), nodePath.join(pub, 'link.txt'));
  api = await h.startApi({ publicDir: pub });
});
after(async () => {
  await api.close();
  await h.end();
  fs.rmSync(dir, { recursive: true, force: true });
});

// A request with the path exactly as given (fetch would normalise "..").
function raw(method, path) {
  const { port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
        text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('public/ at /', () => {
  it('serves its files with their content types', async () => {
    for (const [path, type, text] of [
      ['/', 'text/html; charset=utf-8', '<!doctype html><title>menu</title>'],
      ['/customer.html', 'text/html; charset=utf-8', '<!doctype html><title>order</title>'],
      ['/app.js', 'text/javascript; charset=utf-8', 'console.log("hi");'],
      ['/style.css', 'text/css; charset=utf-8', 'body{}'],
      ['/sub/data.json', 'application/json', '{"a":1}'],
    ]) {
      const answer = await raw('GET', path);
      assert.deepEqual([answer.status, answer.headers['content-type'], answer.text],
        [200, type, text], path);
      assert.equal(answer.headers['x-content-type-options'], 'nosniff');
    }
    const head = await raw('HEAD', '/app.js');
    assert.deepEqual([head.status, head.headers['content-length'], head.text],
      [200, String('console.log("hi");'.length), '']);
  });

  it('nothing outside public/, no dot files, no folders: 404 with the error JSON', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/sub/../../secret.txt',
      '/sub/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/.env', '/%2eenv', '/link.txt',
      '/sub', '/sub/', '//etc/passwd', '/%00index.html', '/index.html%00', '/sub\\..\\..\\secret.txt',
      '/missing.html']) {
      const answer = await raw('GET', path);
      assert.equal(answer.status, 404, path);
      assert.equal(JSON.parse(answer.text).error.sqlstate, null, path);
      assert.doesNotMatch(answer.text, /SECRET/, path);
    }
  });

  it('only GET and HEAD: other methods on a file are 404', async () => {
    assert.equal((await raw('POST', '/app.js')).status, 404);
    assert.equal((await raw('DELETE', '/index.html')).status, 404);
  });

  it('the API paths are not shadowed by files', async () => {
    fs.writeFileSync(nodePath.join(dir, 'public', 'menu'), 'not the menu');
    const answer = await raw('GET', '/menu');
    assert.equal(answer.status, 400); // the API's: no restaurant given
  });

  it('by default the server serves examples/node/public (the screens)', async () => {
    const real = nodePath.resolve(__dirname, '..', 'public');
    const pages = fs.existsSync(real) ? fs.readdirSync(real).filter((f) => f.endsWith('.html')) : [];
    assert.ok(pages.length > 0, `no pages in ${real}`);
    const screens = await h.startApi(); // no publicDir: the default
    try {
      for (const page of pages) {
        const answer = await fetch(`${screens.url}/${page}`);
        assert.deepEqual([answer.status, answer.headers.get('content-type')],
          [200, 'text/html; charset=utf-8'], page);
        assert.equal(await answer.text(), fs.readFileSync(nodePath.join(real, page), 'utf8'));
      }
    } finally {
      await screens.close();
    }
  });
});
