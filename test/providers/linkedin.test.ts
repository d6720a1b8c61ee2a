import { describe, expect, it } from 'vitest';
import { findPreset } from '../../src/client/providers/index.js';
import type { TestBrowser } from '../support/browser.js';
import { testClock, type TestClock } from '../support/clock.js';
import { describeEachDialect, type TestDialect } from '../support/postgres.js';
import { APP_ORIGIN, csrfTokenOf, disconnectThrough, presetEnv, signInThrough } from './kit/provider-app.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardContext, type StandardProvider } from './kit/standard-cases.js';
import { startLinkedInEmulator, type LinkedInEmulator, type LinkedInMember } from './linkedin.emulator.js';

const CLIENT_ID = '86o7njo0ccd8y6';
const CLIENT_SECRET = 'WPL_AP1.linkedin-test-secret';
const REDIRECT_URI = `${APP_ORIGIN}/auth/linkedin/callback`;

function member(sub: string, givenName: string, familyName: string): LinkedInMember {
  return { sub, givenName, familyName, email: `${givenName}.${familyName}@example.test`.toLowerCase() };
}

/** Only the documented variables: the preset, the client, and the issuer and API pointed at the emulator. */
function linkedinEnv(linkedin: LinkedInEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('linkedin', CLIENT_ID, CLIENT_SECRET, {
    LINKEDIN_ISSUER: linkedin.issuer,
    LINKEDIN_API_BASE_URL: linkedin.origin,
    ...extra,
  });
}

const LINKEDIN: StandardProvider<LinkedInMember, LinkedInEmulator> = {
  preset: 'linkedin',
  displayName: 'LinkedIn',
  startEmulator: () => startLinkedInEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, programmaticRefresh: false }),
  env: linkedinEnv,
  people: {
    cancelled: member('9aZx07', 'Changed', 'Mind'),
    'refused-code': member('9aZx06', 'Code', 'Refused'),
    'wrong-secret': member('782bbtaQ', 'John', 'Doe'),
    'exchange-failure': member('9aZx05', 'Fault', 'Line'),
  },
  subjectOf: (user) => user.sub,
};

type Context = StandardContext<LinkedInEmulator>;

function started(dialect: TestDialect, programmaticRefresh: boolean, extra: Record<string, string> = {}, clock?: TestClock): Context {
  const now = clock ? { now: clock.now } : {};
  return useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => startLinkedInEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, programmaticRefresh, ...now }), env: (linkedin) => linkedinEnv(linkedin, extra) }, now);
}

async function signIn({ emulator: linkedin, app }: Context, person: LinkedInMember): Promise<{ browser: TestBrowser; userId: string }> {
  linkedin.signInAs(person);
  const browser = app.browser();
  const page = await signInThrough(browser, 'linkedin', '/api/me');
  expect(page.status).toBe(200);
  return { browser, userId: (JSON.parse(page.text) as { user: { id: string } }).user.id };
}

// The preset is registered once the core can leave out PKCE and the nonce, which LinkedIn's web flow refuses (see linkedin.ts).
describe.skipIf(findPreset('linkedin') === undefined)('LinkedIn', () => {
  describeEachDialect('LinkedIn (no refresh tokens), against an emulator of LinkedIn', (dialect) => {
    const context = started(dialect, false);

    it('signs in through discovery under /oauth as the member’s sub, with name and e-mail, without PKCE or nonce; a 60-day token, no refresh token', async () => {
      const { userId } = await signIn(context, member('782bbtaQ', 'John', 'Doe'));
      const { emulator: linkedin, database, app } = context;
      const authorize = new URL(linkedin.server.requests.find((request) => request.path.startsWith('/oauth/v2/authorization'))!.path, linkedin.origin).searchParams;
      expect(authorize.get('scope')).toBe('openid profile email');
      expect(authorize.has('code_challenge')).toBe(false);
      expect(authorize.has('nonce')).toBe(false);
      // client_secret_post: the credentials went in the form body.
      expect(linkedin.server.requests.find((request) => request.path === '/oauth/v2/accessToken')!.headers.authorization).toBeUndefined();

      const account = await database.db.selectFrom('accounts').select(['provider', 'issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
      expect(account).toEqual({ provider: 'linkedin', issuer: linkedin.issuer, subject: '782bbtaQ' });
      const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
      expect(user).toEqual({ name: 'John Doe', email: 'john.doe@example.test' });
      const token = await app.runtime.tokenStore.findToken(userId, 'linkedin');
      expect(token).toMatchObject({ refreshToken: null, scope: 'openid profile email' });
      expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(60 * 86_400 - 100);
    });

    it('the proxy reaches the API (userinfo on api.linkedin.com) with the token', async () => {
      const { browser } = await signIn(context, member('9aZx01', 'Ada', 'Lovelace'));
      const answer = await browser.get(`${APP_ORIGIN}/api/providers/linkedin/proxy/v2/userinfo`);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toMatchObject({ sub: '9aZx01', locale: { country: 'US', language: 'en' } });
    });

    it('a post to the versioned API goes with its LinkedIn-Version and Rest.li headers, and its id comes back in x-restli-id', async () => {
      const { browser } = await signIn(context, member('9aZx04', 'Edsger', 'Dijkstra'));
      const csrf = await csrfTokenOf(browser);
      const post = (headers: Record<string, string>) =>
        browser.request(`${APP_ORIGIN}/api/providers/linkedin/proxy/rest/posts`, {
          method: 'POST',
          headers: { 'x-csrf-token': csrf, ...headers },
          json: { author: 'urn:li:person:9aZx04', commentary: 'Hello', visibility: 'PUBLIC', lifecycleState: 'PUBLISHED' },
        });
      const created = await post({ 'linkedin-version': '202511', 'x-restli-protocol-version': '2.0.0' });
      expect(created.status).toBe(201);
      expect(created.headers.get('x-restli-id')).toMatch(/^urn:li:share:\d+$/);
      // Without the version LinkedIn refuses the call, and says why.
      const refused = await post({ 'x-restli-protocol-version': '2.0.0' });
      expect(refused.status).toBe(400);
      expect(JSON.parse(refused.text)).toMatchObject({ code: 'VERSION_MISSING' });
    });

    it('without a refresh token, an expired token means signing in again: 401 needs_reauth, and no request to LinkedIn', async () => {
      const { browser, userId } = await signIn(context, member('9aZx02', 'Grace', 'Hopper'));
      await expireAccessTokens(context.database, userId);
      const tokenRequests = context.emulator.server.counts.token ?? 0;
      const call = await browser.get(`${APP_ORIGIN}/api/providers/linkedin/proxy/v2/userinfo`);
      expect(call.status).toBe(401);
      expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
      expect(context.emulator.server.counts.token).toBe(tokenRequests);
    });

    it('disconnect deletes the tokens and says LinkedIn revoked nothing (it has no revocation endpoint)', async () => {
      const { browser, userId } = await signIn(context, member('9aZx03', 'Alan', 'Turing'));
      const stored = await context.app.runtime.tokenStore.findToken(userId, 'linkedin');
      expect(await disconnectThrough(browser, 'linkedin')).toEqual({ disconnected: true, revokedAtProvider: false });
      expect(await context.app.runtime.tokenStore.findToken(userId, 'linkedin')).toBeUndefined();
      expect(context.emulator.accepts(stored!.accessToken)).toBe(true);
    });

    standardCases(() => context, LINKEDIN, {
      cancelled: [
        { error: 'user_cancelled_login', deny: (linkedin) => linkedin.cancelNextAuthorization('user_cancelled_login') },
        { error: 'user_cancelled_authorize', deny: (linkedin) => linkedin.cancelNextAuthorization('user_cancelled_authorize') },
      ],
      refusedCode: { sentAs: '400 invalid_request' },
      exchangeFailure: {},
    });
  });

  describeEachDialect('LinkedIn partner app with programmatic refresh tokens, against an emulator of LinkedIn', (dialect) => {
    const context = started(dialect, true);

    it('20 concurrent calls on an expired token make exactly one refresh, which keeps the same refresh token', async () => {
      const { browser, userId } = await signIn(context, member('pRt001', 'Storm', 'Front'));
      await expectKeptAfterStorm(context, 'linkedin', userId, () => browser.get(`${APP_ORIGIN}/api/providers/linkedin/proxy/v2/userinfo`));
    });
  });

  describeEachDialect('LinkedIn refresh tokens, whose year a refresh does not extend, and the keep-alive sweep', (dialect) => {
    const DAY = 86_400;
    // LinkedIn, the app and its sweep share one clock that moves only when told.
    const clock = testClock();
    const context = started(dialect, true, {}, clock);

    it('refreshes a connection in the last 7 days of its year at most once, although its end does not move', async () => {
      const { userId } = await signIn(context, member('pRt002', 'Year', 'End'));
      const { app, emulator: linkedin } = context;
      const signedInWith = await app.runtime.tokenStore.findToken(userId, 'linkedin');
      expect(signedInWith!.refreshTokenExpiresAt).toBe(clock.now() + 365 * DAY);
      const refreshes = linkedin.server.counts.refresh_token ?? 0;
      const sweep = () => app.runtime.refreshKeepalive!.sweep();

      clock.advance(357 * DAY);
      expect(await sweep()).toMatchObject({ due: 0 });
      clock.advance(1 * DAY);
      expect(await sweep()).toMatchObject({ due: 1, refreshed: 1, failed: 0 });
      const kept = await app.runtime.tokenStore.findToken(userId, 'linkedin');
      expect(kept!.refreshTokenExpiresAt).toBe(signedInWith!.refreshTokenExpiresAt);
      // Every later sweep of that window leaves it alone: another refresh would not move the end either.
      for (let day = 0; day < 7; day += 1) {
        expect(await sweep()).toMatchObject({ due: 0, refreshed: 0 });
        clock.advance(DAY);
      }
      expect(linkedin.server.counts.refresh_token).toBe(refreshes + 1);
    });
  });

  describeClientFailures(LINKEDIN, { wrongSecret: { sentAs: '401 invalid_client' } }, { title: 'LinkedIn with a wrong client secret' });
});
