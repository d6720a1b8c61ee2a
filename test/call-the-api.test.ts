// The account page's "Call the API": it shows at most a preview of the
// answer, and reads no more of it than that.
import { beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from './support/postgres.js';
import { decodeHtmlEntities } from './support/browser.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { useTestApp } from './support/use-test-app.js';
import { useEchoApiApp } from './support/use-echo-api-app.js';

const PREVIEW_BYTES = 64 * 1024;

describe('"Call the API" with a huge answer', () => {
  const { app, api, alice } = useEchoApiApp({ env: { PROVIDER_TIMEOUT_SECONDS: '1' } });

  const call = (path: string) =>
    app().runtime.app.inject({ method: 'GET', url: `/account/connections/toolkit/call?path=${encodeURIComponent(path)}`, headers: { cookie: alice().cookie } });
  const shownBody = (page: string) => decodeHtmlEntities(/<pre class="api-body">([^<]*)<\/pre>/.exec(page)?.[1] ?? '');

  it('shows the first 64 KiB and stops reading: the API sees the connection closed long before the end', async () => {
    const bytes = 64 * 1024 * 1024;
    const answer = await call(`large?bytes=${bytes}`);
    expect(answer.statusCode).toBe(200);
    expect(shownBody(answer.body)).toBe(`${'x'.repeat(PREVIEW_BYTES)}\n…`);
    const [large] = api().largeBodies;
    expect(await large!.completed).toBe(false);
    expect(large!.sent).toBeLessThan(bytes);
  });

  it('shows an answer of exactly 64 KiB whole, and a small JSON answer pretty-printed', async () => {
    expect(shownBody((await call(`large?bytes=${PREVIEW_BYTES}`)).body)).toBe('x'.repeat(PREVIEW_BYTES));
    const json = JSON.parse(shownBody((await call('notes?x=1')).body));
    expect(json).toMatchObject({ method: 'GET', url: '/v1/notes?x=1' });
  });

  it('an API refusing for want of scope (RFC 6750 insufficient_scope) is shown with the way to ask for more access; any other 403 is not', async () => {
    const challenge = 'Bearer error="insufficient_scope", scope="notes:write"';
    const refused = await call(`with-headers?status=403&set=${encodeURIComponent(`WWW-Authenticate: ${challenge}`)}`);
    expect(refused.body).toContain('Toolkit says your access lacks a scope this call needs: <code>notes:write</code>. On your account page, “Ask for more access” asks Toolkit for it.');
    const unnamed = await call(`with-headers?status=403&set=${encodeURIComponent('WWW-Authenticate: Bearer error=insufficient_scope')}`);
    expect(unnamed.body).toContain('Toolkit says your access lacks a scope this call needs. On your account page');
    const other = await call('with-headers?status=403');
    expect(other.body).not.toContain('lacks a scope');
  });

  it('refuses a call a browser marks as coming from another site (a link elsewhere), and calls nothing', async () => {
    const before = api().requests.length;
    for (const site of ['cross-site', 'same-site']) {
      const answer = await app().runtime.app.inject({ method: 'GET', url: '/account/connections/toolkit/call?path=notes', headers: { cookie: alice().cookie, 'sec-fetch-site': site } });
      expect(answer.statusCode, site).toBe(403);
      expect(answer.body).toContain('Call the API from your account page');
    }
    expect(api().requests.length).toBe(before);
    for (const site of ['same-origin', 'none']) {
      const answer = await app().runtime.app.inject({ method: 'GET', url: '/account/connections/toolkit/call?path=notes', headers: { cookie: alice().cookie, 'sec-fetch-site': site } });
      expect(answer.statusCode, site).toBe(200);
    }
  });

  it('shows what came of an answer that never ends, once PROVIDER_TIMEOUT_SECONDS has passed, instead of waiting for it', async () => {
    const answer = await call('trickle');
    expect(answer.statusCode).toBe(200);
    expect(shownBody(answer.body)).toMatch(/^\{"slow": *\n…$/);
  });

  it('names the path called once, with or without its leading slash', async () => {
    for (const path of ['notes', '/notes']) {
      const page = (await call(path)).body;
      expect(page).toContain('GET <code>/notes</code> answered');
    }
  });
});

describe('a provider with no API configured', () => {
  let alice: SignedInUser;
  const { app, database } = useTestApp(DIALECTS[0]!, { env: { TOOLKIT_API_BASE_URL: '' } });
  beforeAll(async () => {
    alice = await signedInUser(app(), 'alice');
  });
  const page = async (url: string) => (await app().runtime.app.inject({ method: 'GET', url, headers: { cookie: alice.cookie } })).body;

  it('the account page offers no "Call the API"; a call made anyway fails with a page that leads back to the account', async () => {
    const account = await page('/account');
    expect(account).toContain('Refresh now');
    expect(account).not.toContain('Call the API');
    const refused = await page('/account/connections/toolkit/call?path=notes');
    expect(refused).toContain('Toolkit has no API configured (TOOLKIT_API_BASE_URL).');
    expect(refused).toContain('<a href="/account">Back to your account</a>');
  });

  it('a connection whose scope names nothing (a GitHub App’s) says so instead of showing an empty field', async () => {
    await database().db.updateTable('tokens').set({ scope: '' }).where('user_id', '=', alice.userId).execute();
    expect(await page('/account')).toContain('<dt>Scopes</dt><dd><span class="muted">none named');
  });
});
