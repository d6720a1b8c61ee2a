import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { KANIDM_REFRESH_TOKEN_SECONDS, spnOf, startKanidmEmulator, type KanidmEmulator, type KanidmUser } from './kanidm.emulator.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, rowCounts, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// The client's name in Kanidm is its client id; its basic secret as `show-basic-secret` prints one.
const CLIENT_ID = 'token-keeper';
const CLIENT_SECRET = 'kQ8vN3xR7tY2wZ5pL9mC4bH6jF1dS0gA3eU8iO2yT5rW7qX9zV4nM6kP1hJ3fD8s';
const REDIRECT_URI = `${APP_ORIGIN}/auth/kanidm/callback`;
const SCOPE = 'openid profile email';
const HOUR = 3600;

function person(n: number, name: string, displayName: string, extra: Partial<KanidmUser> = {}): KanidmUser {
  return { uuid: `7c1e2f3a-0d4b-4c5e-8f6a-${String(n).padStart(12, '0')}`, name, displayName, mail: `${name}@example.com`, ...extra };
}

/** Only the documented variables: the preset, the client, and the server. */
function kanidmEnv(kanidm: KanidmEmulator): Record<string, string> {
  return presetEnv('kanidm', CLIENT_ID, CLIENT_SECRET, { KANIDM_BASE_URL: kanidm.origin });
}

/** A refresh at Kanidm itself, as another copy of the token would make it. */
function refreshAtKanidm(kanidm: KanidmEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${kanidm.origin}/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const KANIDM: StandardProvider<KanidmUser, KanidmEmulator> = {
  preset: 'kanidm',
  displayName: 'Kanidm',
  startEmulator: () => startKanidmEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: kanidmEnv,
  people: {
    cancelled: person(108, 'changed', 'Changed Mind'),
    'refused-code': person(109, 'refused', 'Refused Code'),
    'wrong-secret': person(301, 'wrongsecret', 'Wrong Secret'),
    'exchange-failure': person(302, 'outage', 'Outage Person'),
  },
  subjectOf: (user) => user.uuid,
};

describeEachDialect("Kanidm, against an emulator of a Kanidm server with one OAuth2 client", (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), KANIDM);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/kanidm/proxy/userinfo`);
  const openId = openIdCases(context, KANIDM, userinfo);

  it("signs in through the client's own issuer as the account's UUID, with the display name, the SPN as username (its @ made -) and the verified primary mail; no offline_access, PKCE S256, the client by Basic, an ES256 ID token, a 15-minute token and a refresh token", async () => {
    const { emulator: kanidm } = context;
    const ada = person(101, 'ada', 'Ada Lovelace');
    await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: `${kanidm.origin}/oauth2/openid/${CLIENT_ID}`, subject: ada.uuid },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', username: 'ada-idm.acme.test', emailVerified: true },
      token: { scope: SCOPE, lifetime: 15 * 60 },
    });
    expect(kanidm.server.counts.client_secret_basic).toBeGreaterThan(0);
    expect(kanidm.server.counts.client_secret_post).toBeUndefined();
  });

  it('an account with no mail address: no e-mail is stored', async () => {
    await openId.expectStoredEmail(person(102, 'nomail', 'No Mail', { mail: undefined }), { email: null });
  });

  it("a person whose groups do not map every scope asked: Kanidm refuses on its own page and never redirects back, and nothing is stored", async () => {
    const { database, emulator: kanidm, app } = context;
    const before = await rowCounts(database);
    const browser = app.browser();
    kanidm.signInAs(person(110, 'unmapped', 'Not Mapped', { scopeMap: ['openid', 'profile'] }));
    const start = await browser.get(`${APP_ORIGIN}/login/kanidm?next=/api/me`, { followRedirects: false });
    const refused = await browser.get(start.location!, { followRedirects: false });
    expect(refused.status).toBe(403);
    expect(kanidm.server.counts.access_denied).toBe(1);
    expect(await rowCounts(database)).toEqual(before);
  });

  it("the proxy reaches the client's /userinfo under the issuer with the token", async () => {
    const grace = person(103, 'grace', 'Grace Hopper');
    await openId.expectProxyReaches(grace, { sub: grace.uuid, preferred_username: spnOf(grace), email_verified: true });
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token is kept, and the spent one used again is refused and ends the session', async () => {
    const { emulator: kanidm } = context;
    const { before, after } = await openId.expectRotatedAfterStorm(person(104, 'alan', 'Alan Turing'));
    expect(await statusAndBody(refreshAtKanidm(kanidm, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    expect(kanidm.accepts(after.accessToken)).toBe(false);
  });

  it("the person's OAuth2 session ended in Kanidm: the refresh is refused, and the connection needs re-auth after one try", async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'edsger', 'Edsger Dijkstra'), (leaving) => context.emulator.removeSession(leaving));
  });

  it('disconnect revokes at /oauth2/token/revoke (RFC 7009), by Basic: the refresh token and the access token stop working, and the tokens are deleted here', async () => {
    const { emulator: kanidm } = context;
    await openId.expectDisconnectRevokesBoth(person(106, 'barbara', 'Barbara Liskov'), (refreshToken) => refreshAtKanidm(kanidm, refreshToken));
  });

  // No cancellation case: Kanidm's pages document no redirect back with an error.
  standardCases(() => context, KANIDM, { refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(KANIDM, { wrongSecret: { sentAs: '401 with no body', error: 'invalid_client' }, exchangeFailure: {} });

// Kanidm's default: a refresh token ends 16 hours after its issue, and each refresh answers a new one.
describeKeepAlive(KANIDM, {
  title: 'Kanidm refresh tokens (16 hours from issue) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last quarter of its 16 hours, and the new refresh token keeps it working past the first one’s end',
  startEmulator: (now) => startKanidmEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person(201, 'idle', 'Idle Person'),
  dueAfterDays: (KANIDM_REFRESH_TOKEN_SECONDS - 4 * HOUR) / 86_400,
  usedAgainAfterDays: 5 * HOUR / 86_400,
  // The first refresh token is not presented again: Kanidm would take that reuse as a replay and end the session.
});

describe('the kanidm preset in production', () => {
  const { settings, refusal } = presetInProduction('kanidm', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("makes the client's issuer from the server and the client id, or takes KANIDM_ISSUER alone", () => {
    expect(settings({ KANIDM_BASE_URL: 'https://idm.acme.test' })).toMatchObject({
      displayName: 'Kanidm',
      discovery: { issuer: `https://idm.acme.test/oauth2/openid/${CLIENT_ID}` },
      scope: SCOPE,
      apiBaseUrl: `https://idm.acme.test/oauth2/openid/${CLIENT_ID}`,
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenIdleSeconds: 16 * HOUR,
    });
    expect(settings({ KANIDM_ISSUER: `https://idm.acme.test/oauth2/openid/${CLIENT_ID}` }).discovery).toMatchObject({ issuer: `https://idm.acme.test/oauth2/openid/${CLIENT_ID}` });
    expect(refusal({})).toContain('KANIDM_BASE_URL is missing');
  });

  it('the issuer or an endpoint given as the base URL stops start-up, naming the server to give', () => {
    expect(refusal({ KANIDM_BASE_URL: `https://idm.acme.test/oauth2/openid/${CLIENT_ID}` })).toBe(
      `Configuration error: KANIDM_BASE_URL ends in a path the preset appends itself (/oauth2): give the server's origin alone, whose client issuer the preset makes from KANIDM_CLIENT_ID, e.g. https://idm.acme.test (got "https://idm.acme.test/oauth2/openid/${CLIENT_ID}")`,
    );
    expect(refusal({ KANIDM_BASE_URL: 'https://idm.acme.test/ui/oauth2' })).toContain('(/ui): give the server');
  });
});
