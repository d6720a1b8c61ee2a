import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startPlanetScaleEmulator, type PlanetScaleEmulator, type PlanetScaleUser } from './planetscale.emulator.js';

// A client id and secret of the shape PlanetScale shows for a new OAuth application.
const CLIENT_ID = 'pscale_app_3f8a1c7e5b2d4096';
const CLIENT_SECRET = 'pscale_app_secret_9b2e4d6f8a1c3e5f7092b4d6f8a1c3e5';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/planetscale/callback`;
const THIRTY_DAYS = 2_592_000;

function person(n: number, name: string, emailVerified = true): PlanetScaleUser {
  return { id: `usr${String(n).padStart(9, '0')}`, name, email: `${name.split(' ')[0]!.toLowerCase()}@example.com`, emailVerified };
}

/** The documented variables: the preset and the client; each endpoint pointed at the emulator (/v1/user moves with the API base). */
function planetscaleEnv(planetscale: PlanetScaleEmulator): Record<string, string> {
  return presetEnv('planetscale', CLIENT_ID, CLIENT_SECRET, {
    PLANETSCALE_AUTHORIZE_URL: `${planetscale.origin}/oauth/authorize`,
    PLANETSCALE_ACCESS_TOKEN_URL: `${planetscale.origin}/oauth/token`,
    PLANETSCALE_REVOCATION_URL: `${planetscale.origin}/oauth/revoke`,
    PLANETSCALE_API_BASE_URL: `${planetscale.origin}/v1`,
  });
}

/** A refresh at PlanetScale itself, as another copy of the token would make it. */
function refreshAtPlanetScale(planetscale: PlanetScaleEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${planetscale.origin}/oauth/token`, CLIENT, refreshToken, { by: 'form' });
}

const PLANETSCALE: StandardProvider<PlanetScaleUser, PlanetScaleEmulator> = {
  preset: 'planetscale',
  displayName: 'PlanetScale',
  startEmulator: () => startPlanetScaleEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: planetscaleEnv,
  people: standardPeople((n, name) => person(n, name)),
  subjectOf: (user) => user.id,
};

describeEachDialect('PlanetScale, against an emulator of PlanetScale OAuth', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), PLANETSCALE);

  const signIn = (user: PlanetScaleUser) => signInAs(context, 'planetscale', user);
  const organizations = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/planetscale/proxy/organizations`);

  it("signs in as /v1/user's id with the name and the e-mail verified as the user says; no scope asked (the application's access scopes are granted), the client in the form, a 30-day token and a refresh token", async () => {
    const { database, emulator: planetscale, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope') ?? '').toBe('');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    const account = await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'planetscale');
    expect(token).toMatchObject({ accessToken: expect.stringMatching(/^pscale_oauth_/), refreshToken: expect.stringMatching(/^pscale_oauth_refresh_/), scope: 'read_user read_organizations' });
    expectAccessTokenLifetime(token, THIRTY_DAYS - 100, THIRTY_DAYS);
    expect(planetscale.server.requests.find((r) => r.path === '/oauth/token')!.headers.authorization).toBeUndefined();
  });

  it('an e-mail the user says is not verified is kept unverified', async () => {
    const { database } = context;
    const { userId } = await signIn(person(106, 'Grace Hopper', false));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('grace@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy reaches /v1 with the token as Bearer; 20 concurrent calls on an expired token make one refresh, and the new refresh token is kept', async () => {
    const { emulator: planetscale } = context;
    const { browser, userId } = await signIn(person(102, 'Alan Turing'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'planetscale', userId, () => organizations(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: [{ name: 'acme' }] });
    expect(planetscale.server.requests.findLast((r) => r.path === '/v1/organizations')!.headers.authorization).toMatch(/^Bearer pscale_oauth_/);
    expect(await statusAndBody(refreshAtPlanetScale(planetscale, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the application's access removed at PlanetScale: the API refuses the token, the refresh is refused (invalid_grant), and the connection needs re-auth after one try", async () => {
    const leaving = person(103, 'Edsger Dijkstra');
    const { browser, userId } = await signIn(leaving);
    context.emulator.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'planetscale', userId, () => organizations(browser));
  });

  it('disconnect revokes at /oauth/revoke the refresh token and the access token, each (revoking the access token alone would leave the refresh token), the client in the form', async () => {
    const { emulator: planetscale } = context;
    const barbara = person(104, 'Barbara Liskov');
    const { browser, userId } = await signIn(barbara);
    const stored = await expectDisconnectRevokes(context, 'planetscale', { browser, userId }, { requests: 2 });
    expect(planetscale.accepts(stored.accessToken)).toBe(false);
    expect(planetscale.liveGrants(barbara)).toBe(0);
    expect((await refreshAtPlanetScale(planetscale, stored.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, PLANETSCALE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(PLANETSCALE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the planetscale preset in production', () => {
  it("names auth.planetscale.com's authorize, token and revoke endpoints and reads the person from api.planetscale.com/v1/user", () => {
    expect(presetInProduction('planetscale', CLIENT).settings({})).toMatchObject({
      displayName: 'PlanetScale',
      endpoints: {
        authorizationEndpoint: 'https://auth.planetscale.com/oauth/authorize',
        tokenEndpoint: 'https://auth.planetscale.com/oauth/token',
        userinfoEndpoint: 'https://api.planetscale.com/v1/user',
        revocationEndpoint: 'https://auth.planetscale.com/oauth/revoke',
      },
      scope: '',
      apiBaseUrl: 'https://api.planetscale.com/v1',
      tokenEndpointAuthMethod: 'client_secret_post',
    });
  });
});
