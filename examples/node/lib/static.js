'use strict';
// The files of public/ (the customer page, the kitchen board) served at /,
// for GET and HEAD only.  Safe by construction: a path segment that is
// empty, starts with a dot (.., .git, .env) or holds a backslash or NUL is
// refused, and the file's real path (symbolic links resolved) must lie in
// public/, so nothing outside it is ever read.  No directory listings.
const fs = require('node:fs');
const nodePath = require('node:path');

const CONTENT_TYPES = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
});

// The real path of the file path names under root, or null.
async function resolveFile(root, path) {
  const segments = (path === '/' ? '/index.html' : path).split('/').slice(1);
  if (segments.some((s) => s === '' || s.startsWith('.') || /[\\\0]/.test(s))) return null;
  try {
    const realRoot = await fs.promises.realpath(root);
    const real = await fs.promises.realpath(nodePath.join(realRoot, ...segments));
    if (!real.startsWith(realRoot + nodePath.sep)) return null;
    const stat = await fs.promises.stat(real);
    return stat.isFile() ? { real, size: stat.size } : null;
  } catch (err) {
    return null; // missing, or not readable: not served
  }
}

// true if path named a file of root and it was sent.
async function serveStatic(req, res, root, path) {
  if (!root || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const file = await resolveFile(root, path);
  if (!file) return false;
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[nodePath.extname(file.real).toLowerCase()]
      || 'application/octet-stream',
    'Content-Length': file.size,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  await new Promise((resolve) => {
    const stream = fs.createReadStream(file.real);
    stream.on('error', (err) => {
      res.destroy(err); // the headers are out: cut the answer short
      resolve();
    });
    stream.on('end', resolve);
    stream.pipe(res);
  });
  return true;
}

module.exports = { serveStatic, resolveFile, CONTENT_TYPES };
