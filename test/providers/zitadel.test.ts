import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startZitadelEmulator, type ZitadelEmulator, type ZitadelUser } from './zitadel.emulator.js';

// A client id and secret as ZITADEL shows them for a Web application with the Basic authentication method.
const CLIENT_ID = '312345678901234567@tokenkeeper';
const CLIENT_SECRET = 'aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5zA7bC9dE1fG3hI5jK7lM9nO1pQ3';
const REDIRECT_URI = `${APP_ORIGIN}/auth/zitadel/callback`;
const SCOPE = 'openid profile email offline_access urn:zitadel:iam:org:project:id:zitadel:aud';
const DAY = 86_400;

function person(n: number, givenName: string, familyName: string, emailVerified = true): ZitadelUser {
  const login = givenName.toLowerCase();
  return { id: `2900000000000${String(n).padStart(5, '0')}`, loginName: `${login}@acme.zitadel.cloud`, givenName, familyName, email: `${login}@example.com`, emailVerified };
}

/** Only the documented variables: the preset, the client, and the instance's URL. */
function zitadelEnv(zitadel: ZitadelEmulator): Record<string, string> {
  return presetEnv('zitadel', CLIENT_ID, CLIENT_SECRET, { ZITADEL_BASE_URL: zitadel.origin });
}

/** A refresh at ZITADEL itself, as another copy of the token would make it. */
function refreshAtZitadel(zitadel: ZitadelEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${zitadel.origin}/oauth/v2/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
}

const ZITADEL: StandardProvider<ZitadelUser, ZitadelEmulator> = {
  preset: 'zitadel',
  displayName: 'ZITADEL',
  startEmulator: () => startZitadelEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: zitadelEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('ZITADEL, against an emulator of a ZITADEL instance', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ZITADEL);

  const me = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/zitadel/proxy/auth/v1/users/me`);
  const openId = openIdCases(context, ZITADEL, me);

  it('signs in through discovery at the instance as the user id sub, with the name, login name and verified e-mail of userinfo; offline_access and ZITADEL’s audience asked with PKCE and no consent prompt, the client by Basic with its @ form-encoded, a 12-hour token and a refresh token', async () => {
    const { emulator: zitadel } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: zitadel.origin, subject: ada.id },
      user: { name: 'Ada Lovelace', email: 'ada@example.com', username: 'ada-acme.zitadel.cloud', emailVerified: true },
      token: { lifetime: 12 * 3600 },
    });
    const exchange = zitadel.server.requests.find((r) => r.path === '/oauth/v2/token')!;
    const basic = Buffer.from(exchange.headers.authorization!.replace(/^Basic /, ''), 'base64').toString('utf8');
    expect(basic.startsWith('312345678901234567%40tokenkeeper:')).toBe(true);
    expect(zitadel.server.counts.client_secret_post).toBeUndefined();
  });

  it('an e-mail ZITADEL has not verified is kept as not verified', async () => {
    await openId.expectStoredEmail(person(102, 'Pending', 'Check', false), { email: 'pending@example.com', verified: false });
  });

  it('the proxy reaches ZITADEL’s Auth API at the instance, which takes the token as its audience includes ZITADEL', async () => {
    const { emulator: zitadel } = context;
    const grace = person(103, 'Grace', 'Hopper');
    await openId.expectProxyReaches(grace, { user: { id: grace.id, userName: 'grace@acme.zitadel.cloud' } });
    expect(zitadel.server.requests.findLast((r) => r.path === '/auth/v1/users/me')!.headers.authorization).toMatch(/^Bearer /);
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token is kept, and ZITADEL refuses the spent one', async () => {
    const { emulator: zitadel } = context;
    const { before } = await openId.expectRotatedAfterStorm(person(104, 'Alan', 'Turing'));
    expect(await statusAndBody(refreshAtZitadel(zitadel, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the user's tokens for the application ended in ZITADEL: the API refuses the token, the refresh is refused, and the connection needs re-auth after one try", async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Edsger', 'Dijkstra'), (leaving) => context.emulator.removeAuthorization(leaving));
  });

  it('disconnect revokes at /oauth/v2/revoke (RFC 7009): the refresh token and the access token stop working, and the tokens are deleted here', async () => {
    const { emulator: zitadel } = context;
    await openId.expectDisconnectRevokesBoth(person(106, 'Barbara', 'Liskov'), (refreshToken) => refreshAtZitadel(zitadel, refreshToken));
  });

  it('signing in again finds the same person by the user id', async () => {
    await openId.expectSameAccountOnReturn(person(107, 'Margaret', 'Hamilton'));
  });

  standardCases(() => context, ZITADEL, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant "invalid code"' } });
});

describeClientFailures(ZITADEL, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

// The instance's defaults: a refresh token ends after 30 days unused, and 90 days after its sign-in.
describeKeepAlive(ZITADEL, {
  title: 'ZITADEL refresh tokens (30 days unused, 90 days in all) and the keep-alive sweep',
  name: 'refreshes an unused connection once 7 days before its 30 idle days end, and the new refresh token keeps it working past the first one’s end',
  startEmulator: (now) => startZitadelEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person(201, 'Idle', 'Person'),
  dueAfterDays: 23,
  usedAgainAfterDays: 8,
  firstRefreshTokenRefused: async (zitadel, refreshToken) => {
    const refused = await refreshAtZitadel(zitadel, refreshToken);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_grant' });
  },
  more: (context) => {
    it('90 days after sign-in the refresh token ends however the sweep kept it: the connection needs re-auth, asking ZITADEL once', async () => {
      const { emulator: zitadel, app, clock } = context;
      const { userId } = await signInAs(context, 'zitadel', person(202, 'Lapsed', 'Person'));
      // The sweep renews it every 23 days (69 days in all), each time with a new refresh token (the block's other
      // connection, signed in earlier, reaches its own 90 days meanwhile).
      for (let sweep = 0; sweep < 3; sweep += 1) {
        const held = (await app.runtime.tokenStore.findToken(userId, 'zitadel'))!.refreshToken;
        clock.advance(23 * DAY);
        await app.runtime.refreshKeepalive!.sweep();
        expect((await app.runtime.tokenStore.findToken(userId, 'zitadel'))!.refreshToken).not.toBe(held);
      }
      clock.advance(21 * DAY);
      const refreshes = zitadel.server.counts.refresh_token ?? 0;
      await expect(app.runtime.tokens.getAccessToken(userId, 'zitadel')).rejects.toMatchObject({ code: 'needs_reauth' });
      await expect(app.runtime.tokens.getAccessToken(userId, 'zitadel')).rejects.toMatchObject({ code: 'needs_reauth' });
      expect(zitadel.server.counts.refresh_token).toBe(refreshes + 1);
      expect((await app.runtime.tokenStore.findToken(userId, 'zitadel'))!.status).toBe('needs_reauth');
    });
  },
});

describe('the zitadel preset in production', () => {
  const { settings, refusal } = presetInProduction('zitadel', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it('takes the instance as issuer and API, and needs its URL', () => {
    expect(settings({ ZITADEL_BASE_URL: 'https://acme-x1y2z3.zitadel.cloud/' })).toMatchObject({
      displayName: 'ZITADEL',
      discovery: { issuer: 'https://acme-x1y2z3.zitadel.cloud' },
      scope: SCOPE,
      apiBaseUrl: 'https://acme-x1y2z3.zitadel.cloud',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenIdleSeconds: 30 * DAY,
    });
    expect(refusal({})).toContain('ZITADEL_BASE_URL is missing (the zitadel preset needs it)');
  });

  it('an endpoint or API URL given as the base URL stops start-up, naming the instance to give', () => {
    expect(refusal({ ZITADEL_BASE_URL: 'https://id.acme.test/oauth/v2/authorize' })).toBe(
      `Configuration error: ZITADEL_BASE_URL ends in a path the preset appends itself (/oauth/v2): give the instance's URL alone, e.g. https://id.acme.test (got "https://id.acme.test/oauth/v2/authorize")`,
    );
    expect(refusal({ ZITADEL_BASE_URL: 'https://id.acme.test/.well-known/openid-configuration' })).toContain('(/.well-known)');
    expect(refusal({ ZITADEL_BASE_URL: 'https://id.acme.test/ui/console' })).toContain('e.g. https://id.acme.test (got');
    expect(refusal({ ZITADEL_BASE_URL: 'https://id.acme.test/auth/v1' })).toContain('(/auth/v1)');
  });
});
