import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startMollieEmulator, type MollieEmulator, type MollieOrganization } from './mollie.emulator.js';

// A client id (app_…) and secret of the form the Mollie Dashboard shows.
const CLIENT_ID = 'app_j9Pakf56Ajta6Y65AkdTtAv';
const CLIENT_SECRET = 'S5lTvMDTjl95HGnwYmsszDtbMp8QBE2lLcRJbD7I';
const REDIRECT_URI = `${APP_ORIGIN}/auth/mollie/callback`;
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function organization(n: number, name: string): MollieOrganization {
  return { id: `org_${n}`, name, email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the organization moves with the API base). */
function mollieEnv(mollie: MollieEmulator): Record<string, string> {
  return presetEnv('mollie', CLIENT_ID, CLIENT_SECRET, {
    MOLLIE_AUTHORIZE_URL: `${mollie.origin}/oauth2/authorize`,
    MOLLIE_ACCESS_TOKEN_URL: `${mollie.origin}/oauth2/tokens`,
    MOLLIE_REVOCATION_URL: `${mollie.origin}/oauth2/tokens`,
    MOLLIE_API_BASE_URL: mollie.origin,
  });
}

const MOLLIE: StandardProvider<MollieOrganization, MollieEmulator> = {
  preset: 'mollie',
  displayName: 'Mollie',
  startEmulator: () => startMollieEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: mollieEnv,
  people: {
    cancelled: organization(1234508, 'Changed Mind BV'),
    'refused-code': organization(1234509, 'Refused Code BV'),
    'wrong-secret': organization(1234601, 'Wrong Secret BV'),
    'exchange-failure': organization(1234602, 'Outage BV'),
  },
  subjectOf: (org) => org.id,
};

const profiles = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/mollie/proxy/v2/profiles`);

describeEachDialect('Mollie, against an emulator of Mollie Connect', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), MOLLIE);

  const signIn = (org: MollieOrganization) => signInAs(context, 'mollie', org);

  it('signs in as the id (org_…) of /v2/organizations/me with its name and e-mail (verification unknown); organizations.read and profiles.read asked with a state, no PKCE, the client as plain Basic, the code exchanged with redirect_uri, an hour-long token with a refresh token', async () => {
    const { database, emulator: mollie, app } = context;
    const { userId, request } = await signIn(organization(1234501, 'Lovelace Analytics BV'));
    expect(request.get('scope')).toBe('organizations.read profiles.read');
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('org_1234501');
    expect(JSON.parse(account.claims)).toMatchObject({ id: 'org_1234501', name: 'Lovelace Analytics BV', locale: 'nl_NL' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'lovelace.analytics.bv@example.com', name: 'Lovelace Analytics BV' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'mollie');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'organizations.read profiles.read' });
    expectAccessTokenLifetime(token, 3500, 3600);
    expect(mollie.server.requests.find((r) => r.path === '/oauth2/tokens')!.headers.authorization).toBe(BASIC);
    expect(mollie.exchangesWithRedirectUri).toEqual([true]);
  });

  it('the proxy calls the Mollie API; 20 concurrent calls on an expired token make one refresh, with the redirect_uri the exchange sent (Mollie refuses one without), and the refresh token, which does not expire, is kept', async () => {
    const { browser, userId } = await signIn(organization(1234502, 'Turing Payments BV'));
    const { after, answers } = await expectKeptAfterStorm(context, 'mollie', userId, () => profiles(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ count: 1, _embedded: { profiles: [{ resource: 'profile', id: 'pfl_QkEhN94Ba' }] } });
    expectAccessTokenLifetime(after, 3500, 3600);
  });

  it("the app disconnected in the merchant's Mollie Dashboard marks the connection 'needs re-auth' after one refresh Mollie refuses", async () => {
    const { emulator: mollie } = context;
    const leaving = organization(1234503, 'Leaving Soon BV');
    const { browser, userId } = await signIn(leaving);
    mollie.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'mollie', userId, () => profiles(browser));
  });

  it('disconnect revokes the refresh token with DELETE /oauth2/tokens, the client as Basic, and every token of the authorization ends', async () => {
    const { emulator: mollie } = context;
    const { browser, userId } = await signIn(organization(1234504, 'Goodbye BV'));
    const stored = await expectDisconnectRevokes(context, 'mollie', { browser, userId }, { requests: 1 });
    const sent = mollie.server.requests.filter((r) => r.path === '/oauth2/tokens' && r.method === 'DELETE').at(-1)!;
    expect(sent.headers.authorization).toBe(BASIC);
    expect(mollie.revocations.at(-1)).toEqual({ hint: 'refresh_token', token: stored.refreshToken });
    expect(mollie.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(`${mollie.origin}/oauth2/tokens`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, stored.refreshToken!)).status).toBe(400);
  });

  it("disconnect after the merchant disconnected the app: Mollie's 400 invalid_grant for the token it no longer knows counts as revoked", async () => {
    const { emulator: mollie, app } = context;
    const gone = organization(1234506, 'Already Gone BV');
    const { browser, userId } = await signIn(gone);
    mollie.removeApp(gone);
    expect(await disconnectThrough(browser, 'mollie')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'mollie')).toBeUndefined();
  });

  it('the organization failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, MOLLIE, organization(1234510, 'Outage Profile BV'), (mollie) => mollie.failNextProfile(500));
  });

  standardCases(() => context, MOLLIE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(MOLLIE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
