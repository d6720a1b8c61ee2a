import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startSnykEmulator, type SnykEmulator, type SnykUser } from './snyk.emulator.js';

// A client id of the form Snyk's docs show (a UUID), and a secret.
const CLIENT_ID = '64ae3415-5ccd-49e5-91f0-9101a6793ec2';
const CLIENT_SECRET = 'snyk-app-secret-2f6d0c9a8b7e4d3c2b1a0f9e8d7c6b5a';
const REDIRECT_URI = `${APP_ORIGIN}/auth/snyk/callback`;
const ORG = { id: '9a3e5d90-b782-468a-a042-9a2073736f0b', name: 'Acme Security' };

function person(n: number, name: string): SnykUser {
  const username = name.split(' ')[0]!.toLowerCase();
  return { id: `55a348e2-c3ad-4bbc-b40e-9b232d1f${String(4100 + n).padStart(4, '0')}`, name, username, email: `${username}@example.com`, org: ORG };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/rest/self moves with it). */
function snykEnv(snyk: SnykEmulator): Record<string, string> {
  return presetEnv('snyk', CLIENT_ID, CLIENT_SECRET, {
    SNYK_AUTHORIZE_URL: `${snyk.origin}/oauth2/authorize`,
    SNYK_ACCESS_TOKEN_URL: `${snyk.origin}/oauth2/token`,
    SNYK_REVOCATION_URL: `${snyk.origin}/oauth2/revoke`,
    SNYK_API_BASE_URL: `${snyk.origin}/rest`,
  });
}

/** A refresh at Snyk itself, as another copy of the token would make it. */
function refreshAtSnyk(snyk: SnykEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${snyk.origin}/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const SNYK: StandardProvider<SnykUser, SnykEmulator> = {
  preset: 'snyk',
  displayName: 'Snyk',
  startEmulator: () => startSnykEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: snykEnv,
  people: {
    cancelled: person(1, 'Changed Mind'),
    'refused-code': person(2, 'Refused Code'),
    'wrong-secret': person(3, 'Wrong Secret'),
    'exchange-failure': person(4, 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Snyk, against an emulator of Snyk', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SNYK);

  const signIn = (user: SnykUser) => signInAs(context, 'snyk', user);
  const orgs = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/snyk/proxy/orgs?version=2024-04-22`);

  it("signs in as /rest/self's id with its name, username and e-mail (verification unknown); no scope asked, PKCE S256, the client in the form, the app's scopes and an hour's token with a refresh token", async () => {
    const { database, emulator: snyk, app } = context;
    const ada = person(10, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ type: 'user', username: 'ada', default_org_context: ORG.id });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'snyk');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'org.read org.project.read', tokenType: 'bearer' });
    expectAccessTokenLifetime(token, 3599 - 100, 3599);
    const exchange = snyk.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const self = snyk.server.requests.filter((r) => r.path.startsWith('/rest/self')).at(-1)!;
    expect(self.path).toBe('/rest/self?version=2024-04-22');
    expect(self.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
    expect(self.headers.accept).toBe('application/vnd.api+json');
  });

  it('the proxy lists the Organizations; 20 concurrent calls on an expired token make one refresh, the new pair is kept, and Snyk takes the spent refresh token no more', async () => {
    const { emulator: snyk } = context;
    const { browser, userId } = await signIn(person(11, 'Alan Turing'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'snyk', userId, () => orgs(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: [{ id: ORG.id, type: 'org' }] });
    expect(await statusAndBody(refreshAtSnyk(snyk, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the app revoked on the Authorized Snyk Apps page marks the connection 'needs re-auth' after one refresh Snyk refuses", async () => {
    const { emulator: snyk } = context;
    const leaving = person(12, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    snyk.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'snyk', userId, () => orgs(browser));
  });

  it('disconnect revokes the refresh token at /oauth2/revoke with the client in the form (the emulator takes no other), and Snyk takes it no more', async () => {
    const { emulator: snyk } = context;
    const { browser, userId } = await signIn(person(13, 'Goodbye Person'));
    const revoked = snyk.server.counts.refresh_token_revoked ?? 0;
    const stored = await expectDisconnectRevokes(context, 'snyk', { browser, userId });
    expect(snyk.server.counts.refresh_token_revoked).toBe(revoked + 1);
    expect(snyk.server.requests.filter((r) => r.path === '/oauth2/revoke').at(-1)!.headers.authorization).toBeUndefined();
    expect(await statusAndBody(refreshAtSnyk(snyk, stored.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  standardCases(() => context, SNYK, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(SNYK, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
