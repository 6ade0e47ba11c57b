// The suite's static file server never serves a file outside the folder it was given.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { makeTempDir, removeDir, resolveStaticPath, serveStatic } from './helpers.mjs';

let work;
let root;
let server;

before(async () => {
  work = makeTempDir('signpost-static-');
  root = path.join(work, 'site');
  mkdirSync(path.join(root, 'programme'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>home</title>');
  writeFileSync(path.join(root, 'programme', 'index.html'), '<!doctype html><title>programme</title>');
  writeFileSync(path.join(work, 'secret.txt'), 'outside the site');
  server = await serveStatic(root);
});

after(async () => {
  await server?.close();
  removeDir(work);
});

// A raw request, so the path is sent exactly as written (fetch would tidy away the dots).
function get(rawPath) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path: rawPath, method: 'GET' },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('serves files and folder index pages', async () => {
  assert.equal((await get('/')).status, 200);
  assert.match((await get('/index.html')).body, /home/);
  assert.match((await get('/programme/')).body, /programme/);
  assert.equal((await get('/missing.html')).status, 404);
});

test('refuses paths that climb out of the folder', async () => {
  for (const raw of [
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/programme/../../secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '/index.html%00.txt',
    '/%E0%A4%A',
  ]) {
    const res = await get(raw);
    assert.equal(res.status, 404, `${raw} answered ${res.status}`);
    assert.doesNotMatch(res.body, /outside the site/, raw);
  }
  assert.equal(resolveStaticPath(root, '/../secret.txt'), null);
  assert.equal(resolveStaticPath(root, '/programme/../index.html'), path.join(root, 'index.html'));
});
