import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { parseForm, type BrowserResponse, type TestBrowser } from './support/browser.js';
import { describeEachDialect } from './support/postgres.js';
import { APP_ORIGIN } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

/**
 * Sign-in with `response_mode=form_post` (asked through TOOLKIT_AUTHORIZATION_PARAMS): the dev provider (oidc-provider)
 * answers with its page that POSTs code and state to the callback. A browser sends no SameSite=Lax cookie with that
 * cross-site POST, which these tests play by posting from a browser without the session cookie.
 */
describeEachDialect('sign-in answered with response_mode=form_post', (dialect) => {
  const { app } = useTestApp(dialect, { env: { TOOLKIT_AUTHORIZATION_PARAMS: 'response_mode=form_post' } });

  /** Signs in at the provider; its answer is the page that would post the response to the callback. */
  async function providerAnswer(browser: TestBrowser, username: string): Promise<BrowserResponse> {
    const login = await browser.get(`${APP_ORIGIN}/login/toolkit?next=/account`);
    const afterLogin = await browser.submitForm(login, { username, password: username });
    const answer = afterLogin.text.includes('name="code"') ? afterLogin : await browser.submitForm(afterLogin);
    expect(parseForm(answer.text, answer.url)).toMatchObject({ action: `${APP_ORIGIN}/auth/toolkit/callback`, method: 'POST' });
    return answer;
  }

  /** The provider's POST as it arrives from another site: the same form, without this site's cookies. */
  const crossSitePost = (answer: BrowserResponse) => app().browser().submitForm(answer);

  it('posted from the provider’s site, the answer is posted again from this one, and the sign-in completes', async () => {
    const browser = app().browser();
    const answer = await providerAnswer(browser, 'alice');
    const posted = parseForm(answer.text, answer.url).fields;

    const relay = await crossSitePost(answer);
    expect(relay.status).toBe(200);
    const again = parseForm(relay.text, relay.url);
    expect(again.action).toBe(`${APP_ORIGIN}/auth/toolkit/callback`);
    expect(again.method).toBe('POST');
    expect([...again.fields]).toEqual([...posted, ['tokenkeeper_relayed', '1']]);
    // It submits itself with the one script its CSP allows, by hash; nothing else may load or run.
    const script = /<script>([^<]*)<\/script>/.exec(relay.text)![1]!;
    const csp = relay.headers.get('content-security-policy')!;
    expect(csp).toContain(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(csp).toContain("default-src 'none'");
    expect(relay.headers.get('cache-control')).toBe('no-store');
    // Its URL holds no code, so the repost may say where it comes from (Origin: this site, not "null").
    expect(relay.headers.get('referrer-policy')).toBe('same-origin');

    // Posted from the relay page, in the browser that signed in: its session cookie goes along.
    const landed = await browser.submitForm(relay);
    expect(landed.url).toBe(`${APP_ORIGIN}/account`);
    expect(JSON.parse((await browser.get(`${APP_ORIGIN}/api/me`)).text).user).toMatchObject({ username: 'alice', provider: 'toolkit' });

    // The same answer again, relayed or straight, finds no pending sign-in.
    const replay = await browser.submitForm(relay);
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('not valid in this browser');
  });

  it('a POST that comes with the session cookie (a provider on the same site) completes at once', async () => {
    const browser = app().browser();
    const landed = await browser.submitForm(await providerAnswer(browser, 'bob'));
    expect(landed.url).toBe(`${APP_ORIGIN}/account`);
    expect(JSON.parse((await browser.get(`${APP_ORIGIN}/api/me`)).text).user.username).toBe('bob');
  });

  it('posted again without a session (another browser), it is refused, not relayed once more, and the sign-in stays pending', async () => {
    const browser = app().browser();
    const answer = await providerAnswer(browser, 'alice');
    const relay = await crossSitePost(answer);
    const elsewhere = await app().browser().submitForm(relay);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.text).toContain('not valid in this browser');
    expect(elsewhere.text).not.toContain('tokenkeeper_relayed');
    // The browser that started it still can finish it.
    expect((await browser.submitForm(relay)).url).toBe(`${APP_ORIGIN}/account`);
  });

  it('a posted answer with no state, or for an unknown provider, is refused', async () => {
    const stranger = app().browser();
    const noState = await stranger.post(`${APP_ORIGIN}/auth/toolkit/callback`, { code: 'abc', tokenkeeper_relayed: '1' });
    expect(noState.status).toBe(400);
    expect((await stranger.post(`${APP_ORIGIN}/auth/nope/callback`, { code: 'abc', state: 'x' })).status).toBe(404);
  });
});
