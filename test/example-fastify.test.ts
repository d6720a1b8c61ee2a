// examples/fastify run as a developer runs it (npm start in a copy of the
// folder, tokenkeeper linked to this repository's build), signed in to
// through its own pages and the dev provider it starts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInToExample, startExample, type RunningExample } from './support/example-app.js';

describe('examples/fastify', () => {
  let example: RunningExample;

  beforeAll(async () => {
    example = await startExample('fastify');
  });
  afterAll(async () => {
    await example?.stop();
  });

  it('escapes what it shows: mallory\'s notes are text, not markup', async () => {
    const { browser } = await signInToExample(example, 'mallory');
    const notes = await browser.get(`${example.baseUrl}/notes`);
    expect(notes.text).not.toContain('<script>');
    expect(notes.text).toContain('&#60;script&#62;alert(&#34;note&#34;)&#60;/script&#62;');
  });

  it('signs alice in, shows her connection, reads her notes through the API, disconnects, signs out, and stops cleanly on SIGTERM', async () => {
    const { page, browser } = await signInToExample(example, 'alice');
    expect(page.url).toBe(`${example.baseUrl}/`);
    expect(page.text).toContain('Hello, Alice Liddell');
    expect(page.text).toContain('alice@example.test');
    expect(page.text).toContain('Status: active');
    expect(page.text).toContain('notes:read');
    expect(page.text).toContain('Refresh token: yes');

    const notes = await browser.get(`${example.baseUrl}/notes`);
    expect(notes.status).toBe(200);
    expect(notes.text).toContain('Tea party');
    expect(notes.text).toContain('Ask the Hatter why a raven is like a writing-desk.');

    const afterDisconnect = await browser.submitForm({ ...page, text: page.text.slice(page.text.indexOf('<form method="post" action="/auth/toolkit/disconnect"')) });
    expect(afterDisconnect.url).toBe(`${example.baseUrl}/`);
    expect(afterDisconnect.text).toContain('Toolkit is not connected');
    const notConnected = await browser.get(`${example.baseUrl}/notes`);
    expect(notConnected.status).toBe(409);
    expect(notConnected.text).toContain('not connected');

    const signedOut = await browser.submitForm({ ...afterDisconnect, text: afterDisconnect.text.slice(afterDisconnect.text.indexOf('<form method="post" action="/logout"')) });
    expect(signedOut.text).toContain('Sign in with Toolkit');

    await example.stop();
    expect(await example.exited).toEqual({ code: 0, signal: null });
  });
});
