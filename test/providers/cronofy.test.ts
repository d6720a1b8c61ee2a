import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { CRONOFY_ACCESS_TOKEN_SECONDS, startCronofyEmulator, type CronofyEmulator, type CronofyUser } from './cronofy.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the form Cronofy's applications show.
const CLIENT_ID = 'xqRmV3bZ8kT1cN6wP0yH4sJ7dL2fG9aE';
const CLIENT_SECRET = 'CRN_4kPz7wQx2mV9bT5nR8cY1hJ6sD3fL0gA';
const REDIRECT_URI = `${APP_ORIGIN}/auth/cronofy/callback`;

function person(n: number, name: string): CronofyUser {
  const hex = String(n).padStart(4, '0');
  return { sub: `acc_5ba21743f408617d1269${hex}`, name, email: `${name.split(' ')[0]!.toLowerCase()}@calendar.example`, profileId: `pro_n23kjn${hex}` };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/v1/userinfo moves with it). */
function cronofyEnv(cronofy: CronofyEmulator): Record<string, string> {
  return presetEnv('cronofy', CLIENT_ID, CLIENT_SECRET, {
    CRONOFY_AUTHORIZE_URL: `${cronofy.origin}/oauth/authorize`,
    CRONOFY_ACCESS_TOKEN_URL: `${cronofy.origin}/oauth/token`,
    CRONOFY_REVOCATION_URL: `${cronofy.origin}/oauth/token/revoke`,
    CRONOFY_API_BASE_URL: cronofy.origin,
  });
}

/** A refresh at Cronofy itself, the client in the form as its pages allow. */
function refreshAtCronofy(cronofy: CronofyEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${cronofy.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const CRONOFY: StandardProvider<CronofyUser, CronofyEmulator> = {
  preset: 'cronofy',
  displayName: 'Cronofy',
  startEmulator: () => startCronofyEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: cronofyEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.sub,
};

const calendars = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/cronofy/proxy/v1/calendars`);

describeEachDialect('Cronofy, against an emulator of Cronofy', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), CRONOFY);

  const signIn = (user: CronofyUser) => signInAs(context, 'cronofy', user);

  it("signs in as userinfo's sub (the account, acc_…) with its name and e-mail (verification unknown), its calendars left out of the claims; read_events asked, the client in the body, one-hour tokens with a refresh token", async () => {
    const { database, emulator: cronofy, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('read_events');
    expect(request.get('response_type')).toBe('code');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.sub);
    expect(JSON.parse(account.claims)).toEqual({ sub: ada.sub, email: ada.email, name: 'Ada Lovelace', zoneinfo: 'Europe/London', 'cronofy.type': 'account' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: ada.email, email_verified: null, name: 'Ada Lovelace' });
    const exchange = cronofy.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const token = await app.runtime.tokenStore.findToken(userId, 'cronofy');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'read_events' });
    expectAccessTokenLifetime(token, CRONOFY_ACCESS_TOKEN_SECONDS - 100, CRONOFY_ACCESS_TOKEN_SECONDS);
  });

  it('the proxy calls the API on api.cronofy.com with the token as Bearer', async () => {
    const { emulator: cronofy, app } = context;
    const grace = person(102, 'Grace Hopper');
    const { browser, userId } = await signIn(grace);
    const answer = await calendars(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ calendars: [{ profile_id: grace.profileId, calendar_primary: true }] });
    const stored = await app.runtime.tokenStore.findToken(userId, 'cronofy');
    expect(cronofy.server.requests.filter((r) => r.path === '/v1/calendars').at(-1)!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
  });

  it('20 concurrent calls on an expired token make one refresh; Cronofy answers the same refresh token, which is kept and still works', async () => {
    const { emulator: cronofy } = context;
    const { browser, userId } = await signIn(person(103, 'Alan Turing'));
    const { after } = await expectKeptAfterStorm(context, 'cronofy', userId, () => calendars(browser));
    const again = await refreshAtCronofy(cronofy, after.refreshToken!);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ refresh_token: after.refreshToken, token_type: 'bearer' });
  });

  it('a refresh token revoked behind the app (400 invalid_grant) marks the connection for re-auth after one try', async () => {
    const { emulator: cronofy, database, app } = context;
    const { browser, userId } = await signIn(person(104, 'Leaving Soon'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'cronofy');
    const revoked = await fetch(`${cronofy.origin}/oauth/token/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: stored!.refreshToken }),
    });
    expect(revoked.status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'cronofy', userId, () => calendars(browser));
  });

  it('disconnect revokes at /oauth/token/revoke with the client in the body, and the authorization ends at Cronofy', async () => {
    const { emulator: cronofy } = context;
    const { browser, userId } = await signIn(person(105, 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'cronofy', { browser, userId });
    const revocation = cronofy.server.requests.find((r) => r.path === '/oauth/token/revoke')!;
    expect(revocation.headers.authorization).toBeUndefined();
    expect(cronofy.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtCronofy(cronofy, stored.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, CRONOFY, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(CRONOFY, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it('in production the preset calls Cronofy itself: app.cronofy.com to authorize, api.cronofy.com for the rest', () => {
  const settings = presetInProduction('cronofy', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings.endpoints).toMatchObject({
    authorizationEndpoint: 'https://app.cronofy.com/oauth/authorize',
    tokenEndpoint: 'https://api.cronofy.com/oauth/token',
    userinfoEndpoint: 'https://api.cronofy.com/v1/userinfo',
    revocationEndpoint: 'https://api.cronofy.com/oauth/token/revoke',
  });
  expect(settings.apiBaseUrl).toBe('https://api.cronofy.com');
});
