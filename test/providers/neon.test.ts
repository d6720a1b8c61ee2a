import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startNeonEmulator, type NeonEmulator, type NeonUser } from './neon.emulator.js';

// A client id and secret of the shape Neon registers for a partner's OAuth application.
const CLIENT_ID = 'neon-acme-partner';
const CLIENT_SECRET = 'nsec_4b7e1a9c3d5f8062e4a7c1b9d3f5e8a2';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/neon/callback`;
const SCOPE = 'openid offline offline_access urn:neoncloud:projects:read';

function person(n: number, name: string, lastName: string): NeonUser {
  return { id: `6f1e2d3c-4b5a-4978-8a6b-${String(n).padStart(12, '0')}`, name, lastName, email: `${name.toLowerCase()}@example.com` };
}

/** The documented variables: the preset and the client; the issuer, the API base and /users/me pointed at the emulator. */
function neonEnv(neon: NeonEmulator): Record<string, string> {
  return presetEnv('neon', CLIENT_ID, CLIENT_SECRET, { NEON_ISSUER: neon.issuer, NEON_API_BASE_URL: `${neon.origin}/api/v2`, NEON_USERINFO_URL: `${neon.origin}/api/v2/users/me` });
}

const NEON: StandardProvider<NeonUser, NeonEmulator> = {
  preset: 'neon',
  displayName: 'Neon',
  startEmulator: () => startNeonEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: neonEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Neon, against an emulator of Neon OAuth', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), NEON);

  const signIn = (user: NeonUser) => signInAs(context, 'neon', user);
  const projects = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/neon/proxy/projects`);

  it("signs in through discovery as /users/me's id with the joined name and the e-mail (verification unknown), the ID token unread; openid offline offline_access and a project scope with PKCE, the client in the form, a refresh token", async () => {
    const { database, emulator: neon, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe(SCOPE);
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('nonce')).toBeNull();
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ preferred_username: 'ada' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'neon');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: SCOPE });
    expectAccessTokenLifetime(token, 3600 - 100, 3600);
    expect(neon.server.requests.find((r) => r.path === '/oauth2/token')!.headers.authorization).toBeUndefined();
    expect(neon.server.counts.users_me).toBeGreaterThan(0);
  });

  it('the proxy reaches the Neon API; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept and the old one refused', async () => {
    const { emulator: neon } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'neon', userId, () => projects(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ projects: [{ name: 'acme-db' }] });
    expect(await statusAndBody(refreshAtProvider(`${neon.origin}/oauth2/token`, CLIENT, before.refreshToken!, { by: 'form' }))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the application's access ended at Neon: the API refuses the token, the refresh is refused, and the connection needs re-auth after one try", async () => {
    const leaving = person(103, 'Edsger', 'Dijkstra');
    const { browser, userId } = await signIn(leaving);
    context.emulator.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'neon', userId, () => projects(browser));
  });

  it('disconnect revokes at the revocation endpoint the discovery document names (RFC 7009): the grant ends at Neon', async () => {
    const { emulator: neon } = context;
    const barbara = person(104, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(barbara);
    const stored = await expectDisconnectRevokes(context, 'neon', { browser, userId });
    expect(neon.accepts(stored.accessToken)).toBe(false);
    expect(neon.liveGrants(barbara)).toBe(0);
  });

  standardCases(() => context, NEON, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(NEON, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the neon preset in production', () => {
  it('discovers oauth2.neon.tech and reads the person from console.neon.tech/api/v2/users/me', () => {
    expect(presetInProduction('neon', CLIENT).settings({})).toMatchObject({
      displayName: 'Neon',
      discovery: { issuer: 'https://oauth2.neon.tech/' },
      metadataOverrides: { userinfoEndpoint: 'https://console.neon.tech/api/v2/users/me' },
      scope: SCOPE,
      apiBaseUrl: 'https://console.neon.tech/api/v2',
      idTokenUnused: true,
    });
  });
});
