/**
 * What every sign-in example (examples/express, examples/hono) must do, run
 * against the example as a developer starts it (startExample): sign in
 * through its pages, show the connection, call the provider's API, refuse a
 * forged callback with a page, disconnect, sign out, and stop on SIGTERM.
 *
 *   describeSignInExample('express');
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser, type BrowserResponse } from './browser.js';
import { signInToExample, startExample, type RunningExample } from './example-app.js';

/** A Node stack trace line, as an unhandled error page would show it. */
const STACK_LINE = /\n\s+at .+\(.+:\d+:\d+\)/;

function expectHtmlPage(page: BrowserResponse, status: number): void {
  expect(page.status).toBe(status);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(page.text).toMatch(/<html/i);
  expect(page.text).not.toMatch(STACK_LINE);
}

export function describeSignInExample(name: string): void {
  describe(`examples/${name}`, () => {
    let example: RunningExample;
    let browser: TestBrowser;

    beforeAll(async () => {
      example = await startExample(name);
    });
    afterAll(async () => {
      await example?.stop();
    });

    it('signs alice in through its own pages: the landing page shows her and her toolkit connection', async () => {
      const signedIn = await signInToExample(example, 'alice');
      browser = signedIn.browser;
      expectHtmlPage(signedIn.page, 200);
      expect(signedIn.page.url).toBe(`${example.baseUrl}/`);
      expect(signedIn.page.text).toContain('Alice Liddell');
      expect(signedIn.page.text).toContain('alice@example.test');
      expect(signedIn.page.text).toMatch(/Toolkit connection: active/);
      expect(signedIn.page.text).toContain('notes:read');
      expect(signedIn.page.text).toContain('with a refresh token');
      // The sign-in transaction's cookie was used once and cleared.
      expect(browser.cookies.get('signin', example.baseUrl)).toBeUndefined();
      expect(example.logs()).not.toMatch(STACK_LINE);
    });

    it("/notes shows alice's notes from the dev provider's API", async () => {
      const notes = await browser.get(`${example.baseUrl}/notes`);
      expectHtmlPage(notes, 200);
      expect(notes.text).toContain('alice-1');
      expect(notes.text).toContain('Tea party');
    });

    it("escapes what it shows: mallory's name and notes appear as text, not markup", async () => {
      const { page, browser: mallorys } = await signInToExample(example, 'mallory');
      expect(page.text).toMatch(/(&lt;|&#60;)img src=x onerror=alert\(1\)(&gt;|&#62;)/);
      expect(page.text).not.toContain('<img');
      const notes = await mallorys.get(`${example.baseUrl}/notes`);
      expect(notes.status).toBe(200);
      expect(notes.text).not.toContain('<script>');
      expect(notes.text).not.toContain('<b>');
    });

    it('a callback without its sign-in cookie (forged, or expired) answers 400 with a page, not a stack', async () => {
      const forged = await new TestBrowser().get(`${example.baseUrl}/auth/toolkit/callback?code=x&state=y`);
      expectHtmlPage(forged, 400);
      expect(forged.text).toMatch(/sign-in/i);
      const garbled = await new TestBrowser().get(`${example.baseUrl}/auth/toolkit/callback?code=x&state=y`, { headers: { cookie: 'signin=not-a-transaction' } });
      expectHtmlPage(garbled, 400);
    });

    it('a signed-out visit to /notes goes back to the sign-in link', async () => {
      const notes = await new TestBrowser().get(`${example.baseUrl}/notes`);
      expect(notes.status).toBe(200);
      expect(notes.url).toBe(`${example.baseUrl}/`);
      expect(notes.text).toContain('href="/login"');
    });

    it('a POST from another site is refused (403) and disconnects nothing', async () => {
      const crossSite = await browser.post(`${example.baseUrl}/disconnect`, {}, { headers: { origin: 'https://attacker.example' } });
      expectHtmlPage(crossSite, 403);
      expect((await browser.get(`${example.baseUrl}/`)).text).toMatch(/Toolkit connection: active/);
    });

    it('disconnect removes the toolkit connection; alice stays signed in', async () => {
      const home = await browser.get(`${example.baseUrl}/`);
      expect(home.text.indexOf('action="/disconnect"')).toBeLessThan(home.text.indexOf('action="/logout"')); // the first form
      const after = await browser.submitForm(home, {}, { headers: { origin: new URL(example.baseUrl).origin } });
      expectHtmlPage(after, 200);
      expect(after.url).toBe(`${example.baseUrl}/`);
      expect(after.text).toContain('Alice Liddell');
      expect(after.text).toMatch(/Toolkit is not connected/);
      expect(after.text).not.toMatch(/Toolkit connection:/);

      // Nothing left to call the API with: an error page with the code's status (not_connected, 409).
      const notes = await browser.get(`${example.baseUrl}/notes`);
      expectHtmlPage(notes, 409);
    });

    it('sign-out ends the session: the old session cookie no longer signs anyone in', async () => {
      const session = browser.cookies.get('session', example.baseUrl);
      expect(session).toBeDefined();
      const signedOut = await browser.post(`${example.baseUrl}/logout`, {});
      expectHtmlPage(signedOut, 200);
      expect(signedOut.text).toContain('href="/login"');
      expect(signedOut.text).not.toContain('Alice Liddell');
      const replayed = await new TestBrowser().get(`${example.baseUrl}/`, { headers: { cookie: `session=${session}` } });
      expect(replayed.text).not.toContain('Alice Liddell');
    });

    it('stops cleanly on SIGTERM', async () => {
      example.kill('SIGTERM');
      expect(await example.exited).toEqual({ code: 0, signal: null });
    });
  });
}
