import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CookieJar, parseForm, TestBrowser } from './browser.js';

describe('parseForm', () => {
  it('reads the first form: absolute action, method, decoded values of successful controls', () => {
    const html = `<p>x</p>
<form action="/login?next=a&amp;b" method="POST">
  <input type="hidden" name="csrf" value="t&quot;ok&#39;en">
  <input name="username" value='bob'>
  <input type="password" name="password">
  <input type="checkbox" name="remember" checked>
  <input type="checkbox" name="newsletter">
  <input type="submit" name="go" value="Go">
  <input name="off" value="x" disabled>
  <textarea name="bio">a &lt;b&gt;</textarea>
  <select name="lang"><option value="en">English</option><option value="fr" selected>French</option></select>
  <button type="submit">Sign in</button>
</form>
<form action="/second"><input name="z" value="1"></form>`;
    const form = parseForm(html, 'http://localhost:4000/interaction/abc');
    expect(form.action).toBe('http://localhost:4000/login?next=a&b');
    expect(form.method).toBe('POST');
    expect([...form.fields]).toEqual([
      ['csrf', `t"ok'en`],
      ['username', 'bob'],
      ['password', ''],
      ['remember', 'on'],
      ['bio', 'a <b>'],
      ['lang', 'fr'],
    ]);
  });

  it('defaults to GET to the page itself, and says when there is no form', () => {
    const form = parseForm('<form><input name="q" value="1"></form>', 'http://localhost/search?x=1');
    expect(form).toMatchObject({ action: 'http://localhost/search?x=1', method: 'GET' });
    expect(() => parseForm('<p>nothing</p>', 'http://localhost/')).toThrow(/no <form>/);
  });
});

describe('CookieJar', () => {
  const url = (href: string) => new URL(href);

  it('sends cookies by host, path and expiry', () => {
    const jar = new CookieJar();
    jar.setCookie('a=1; Path=/', url('http://localhost:3000/'));
    jar.setCookie('b=2; Path=/interaction/x', url('http://localhost:3000/auth'));
    jar.setCookie('c=3', url('http://localhost:3000/deep/page'));
    jar.setCookie('gone=1; Max-Age=0', url('http://localhost:3000/'));

    // Cookies ignore ports; longer paths come first.
    expect(jar.cookieHeader(url('http://localhost:4000/interaction/x/login'))).toBe('b=2; a=1');
    expect(jar.cookieHeader(url('http://localhost:4000/interaction/xy'))).toBe('a=1');
    expect(jar.cookieHeader(url('http://localhost/deep/other'))).toBe('c=3; a=1');
    expect(jar.cookieHeader(url('http://127.0.0.1/'))).toBeUndefined();

    jar.setCookie('a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/', url('http://localhost/'));
    expect(jar.get('a', 'http://localhost/')).toBeUndefined();
    expect(jar.get('c', 'http://localhost/deep/x')).toBe('3');
  });

  it('honours Domain and Secure', () => {
    const jar = new CookieJar();
    jar.setCookie('d=1; Domain=example.test; Path=/', url('https://app.example.test/'));
    jar.setCookie('evil=1; Domain=other.test', url('https://app.example.test/'));
    jar.setCookie('s=1; Secure; Path=/', url('https://example.test/'));
    expect(jar.cookieHeader(url('https://api.example.test/'))).toBe('d=1');
    expect(jar.cookieHeader(url('https://example.test/'))).toBe('d=1; s=1');
    expect(jar.cookieHeader(url('http://example.test/'))).toBe('d=1');
    expect(jar.cookieHeader(url('https://other.test/'))).toBeUndefined();
  });
});

describe('TestBrowser', () => {
  let origin: string;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    if (path === '/start') {
      res.writeHead(302, { location: '/set', 'set-cookie': 'first=1; Path=/' }).end();
    } else if (path === '/set') {
      res.writeHead(303, { location: '/form', 'set-cookie': 'second=2; Path=/; HttpOnly' }).end();
    } else if (path === '/form') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<form method="post" action="/submit"><input type="hidden" name="hidden" value="h"><input name="name"></form>`);
    } else if (path === '/submit' && req.method === 'POST') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        res.writeHead(303, { location: `/callback?${body}` }).end();
      });
    } else if (path.startsWith('/callback')) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`cookie: ${req.headers.cookie ?? ''}; url: ${path}`);
    } else {
      res.writeHead(404).end('not found');
    }
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('follows redirects keeping cookies, then submits a form and follows its redirect', async () => {
    const browser = new TestBrowser();
    const form = await browser.get(`${origin}/start`);
    expect(form).toMatchObject({ status: 200, url: `${origin}/form` });
    const result = await browser.submitForm(form, { name: 'alice' });
    expect(result.status).toBe(200);
    expect(result.text).toBe('cookie: first=1; second=2; url: /callback?hidden=h&name=alice');
  });

  it('stops at a matching redirect and reports where it pointed', async () => {
    const browser = new TestBrowser({ stopAt: `${origin}/callback` });
    const form = await browser.get(`${origin}/start`);
    const stopped = await browser.submitForm(form, { name: 'bob' });
    expect(stopped.status).toBe(303);
    expect(stopped.url).toBe(`${origin}/submit`);
    expect(stopped.location).toBe(`${origin}/callback?hidden=h&name=bob`);

    const first = await browser.get(`${origin}/start`, { followRedirects: false });
    expect(first).toMatchObject({ status: 302, location: `${origin}/set` });
  });
});
