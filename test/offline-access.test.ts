import { expect, it } from 'vitest';
import type { TestBrowser } from './support/browser.js';
import { describeEachDialect } from './support/postgres.js';
import { APP_ORIGIN } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

/**
 * OpenID Connect Core §11: the dev provider (oidc-provider) grants
 * offline_access, and so a refresh token that outlives its session, only when
 * the authorization request has prompt=consent. Tokenkeeper asks for consent
 * when the person has no live refresh token, and not otherwise.
 */
describeEachDialect('offline access: consent asked only when a refresh token is needed', (dialect) => {
  const { app, database } = useTestApp(dialect);

  /** Signs in through the provider's pages; returns the authorization request and the titles of the provider pages shown. */
  async function signInWatching(browser: TestBrowser, username: string) {
    const start = await browser.get(`${APP_ORIGIN}/login/toolkit?next=/api/me`, { followRedirects: false });
    const authorizationUrl = new URL(start.location!);
    let page = await browser.get(authorizationUrl);
    const titles: string[] = [];
    while (!page.url.startsWith(APP_ORIGIN)) {
      titles.push(/<title>([^<]*)<\/title>/.exec(page.text)?.[1] ?? `${page.status}`);
      page = await browser.submitForm(page, /name="password"/.test(page.text) ? { username, password: username } : {});
      if (titles.length > 3) throw new Error(`sign-in stuck at ${page.url}`);
    }
    const userId = (JSON.parse(page.text) as { user: { id: string } }).user.id;
    return { prompt: authorizationUrl.searchParams.get('prompt'), titles, userId };
  }

  async function signOut(browser: TestBrowser) {
    const account = await browser.get(`${APP_ORIGIN}/account`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(account.text)![1]!;
    await browser.post(`${APP_ORIGIN}/logout`, { _csrf: csrf });
  }

  it('a first sign-in asks for consent and stores a refresh token for offline_access', async () => {
    const first = await signInWatching(app().browser(), 'alice');
    expect(first.prompt).toBe('consent');
    expect(first.titles).toEqual(['Sign in to Toolkit', 'Authorize']);
    const stored = await app().runtime.tokenStore.findToken(first.userId, 'toolkit');
    expect(stored!.refreshToken).toEqual(expect.any(String));
    expect(stored!.scope?.split(' ')).toContain('offline_access');
  });

  it('a returning user whose refresh token is alive is not asked again, and keeps the refresh token the provider did not resend', async () => {
    const browser = app().browser();
    const first = await signInWatching(browser, 'bob');
    const before = await app().runtime.tokenStore.findToken(first.userId, 'toolkit');
    await signOut(browser);

    const again = await signInWatching(browser, 'bob');
    expect(again.userId).toBe(first.userId);
    expect(again.prompt).toBeNull();
    expect(again.titles).not.toContain('Authorize');
    const after = await app().runtime.tokenStore.findToken(first.userId, 'toolkit');
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(after!.refreshToken).toBe(before!.refreshToken);
    // The provider left offline_access out of this sign-in's scope (no consent); the kept refresh token still
    // carries it, so the stored scope is unchanged, and a refresh does not change it back either.
    expect(after!.scope?.split(' ').sort()).toEqual(before!.scope?.split(' ').sort());
    // The kept refresh token still works at the provider.
    const refreshes = app().provider.stats.refreshTokenGrants;
    const scopeEvents: boolean[] = [];
    const stop = app().runtime.tokens.on((event) => {
      if (event.type === 'token.refreshed') scopeEvents.push(event.scopeChanged);
    });
    await app().runtime.tokens.refresh(first.userId, 'toolkit', { force: true });
    stop();
    expect(app().provider.stats.refreshTokenGrants).toBe(refreshes + 1);
    expect(scopeEvents).toEqual([false]);
  });

  it('asks for consent again when the connection needs re-auth, and in a browser that never signed in here', async () => {
    const browser = app().browser();
    const first = await signInWatching(browser, 'mallory');
    await database().db.updateTable('tokens').set({ status: 'needs_reauth' }).where('user_id', '=', first.userId).execute();
    await signOut(browser);
    const again = await signInWatching(browser, 'mallory');
    expect(again.prompt).toBe('consent');
    const stored = await app().runtime.tokenStore.findToken(first.userId, 'toolkit');
    expect(stored!.status).toBe('active');

    const elsewhere = await signInWatching(app().browser(), 'mallory');
    expect(elsewhere.prompt).toBe('consent');
  });

  it('a forged returning-user cookie is ignored', async () => {
    const alice = await database().db.selectFrom('users').select('id').where('username', '=', 'alice').executeTakeFirstOrThrow();
    const browser = app().browser();
    browser.cookies.setCookie(`tokenkeeper_returning=${alice.id}.forged-signature; Path=/`, new URL(APP_ORIGIN));
    const start = await browser.get(`${APP_ORIGIN}/login/toolkit`, { followRedirects: false });
    expect(new URL(start.location!).searchParams.get('prompt')).toBe('consent');
  });
});
