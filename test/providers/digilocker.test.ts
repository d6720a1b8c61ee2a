import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { DIGILOCKER_ACCESS_TOKEN_SECONDS, startDigiLockerEmulator, type DigiLockerEmulator, type DigiLockerUser } from './digilocker.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind DigiLocker's Partners Portal issues.
const CLIENT_ID = 'AB12CD34';
const CLIENT_SECRET = '9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/digilocker/callback`;

function person(n: number, givenName: string, familyName: string): DigiLockerUser {
  return { digilockerid: `123e4567-e89b-12d3-a456-42665544${String(n).padStart(4, '0')}`, name: `${givenName} ${familyName}`, dob: '31121970', gender: 'M' };
}

/** The documented variable for the sandbox, `<NAME>_BASE_URL`, pointed at the emulator. */
function digilockerEnv(digilocker: DigiLockerEmulator): Record<string, string> {
  return presetEnv('digilocker', CLIENT_ID, CLIENT_SECRET, { DIGILOCKER_BASE_URL: digilocker.origin });
}

const DIGILOCKER: StandardProvider<DigiLockerUser, DigiLockerEmulator> = {
  preset: 'digilocker',
  displayName: 'DigiLocker',
  startEmulator: () => startDigiLockerEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: digilockerEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.digilockerid,
};

const issued = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/digilocker/proxy/2/files/issued`);

describeEachDialect('DigiLocker, against an emulator of its Authorized Partner OAuth', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), DIGILOCKER);
  const signIn = (user: DigiLockerUser) => signInAs(context, 'digilocker', user);

  it('signs in as the digilockerid of /public/oauth2/1/user, named by it, the date of birth as ISO 8601; no scope, PKCE S256, the client in the form, an hour-long token with a refresh token', async () => {
    const { database, emulator: digilocker, app } = context;
    const sunil = person(101, 'Sunil', 'Kumar');
    const { userId, request } = await signIn(sunil);
    expect(Object.fromEntries(request)).toMatchObject({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, code_challenge_method: 'S256' });
    expect(request.has('scope')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(sunil.digilockerid);
    expect(JSON.parse(account.claims)).toEqual({ digilockerid: sunil.digilockerid, name: 'Sunil Kumar', birthdate: '1970-12-31', gender: 'M', eaadhaar: 'Y' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Sunil Kumar', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'digilocker');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, DIGILOCKER_ACCESS_TOKEN_SECONDS - 100, DIGILOCKER_ACCESS_TOKEN_SECONDS);
    const exchange = digilocker.server.requests.findLast((r) => r.path === '/public/oauth2/1/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(digilocker.tokenForms.at(-1)!)).toMatchObject({ grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT_URI, code_verifier: expect.any(String) });
    expect(digilocker.server.requests.findLast((r) => r.path === '/public/oauth2/1/user')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('DigiLocker refuses a code exchange without the verifier of the challenge sent', async () => {
    const { emulator: digilocker } = context;
    digilocker.signInAs(person(107, 'Asha', 'Rao'));
    const query = new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, state: 'st', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
    const back = await fetch(`${digilocker.origin}/public/oauth2/1/authorize?${query}`, { redirect: 'manual' });
    const code = new URL(back.headers.get('location')!).searchParams.get('code')!;
    const exchange = await fetch(`${digilocker.origin}/public/oauth2/1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
    });
    expect(exchange.status).toBe(400);
    const plain = new URLSearchParams({ ...Object.fromEntries(query), code_challenge_method: 'plain' });
    const refused = await fetch(`${digilocker.origin}/public/oauth2/1/authorize?${plain}`, { redirect: 'manual' });
    expect(new URL(refused.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('the proxy lists the issued documents; 20 concurrent calls on an expired token make one refresh, in the form, whose new refresh token is kept', async () => {
    const { emulator: digilocker } = context;
    const { browser, userId } = await signIn(person(102, 'Priya', 'Sharma'));
    const first = await issued(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ resource: 'issued', items: [{ doctype: 'SSCER', issuer: 'CBSE' }] });
    const { after } = await expectRotatedAfterStorm(context, 'digilocker', userId, () => issued(browser));
    expectAccessTokenLifetime(after, DIGILOCKER_ACCESS_TOKEN_SECONDS - 100, DIGILOCKER_ACCESS_TOKEN_SECONDS);
    expect(Object.fromEntries(digilocker.tokenForms.at(-1)!)).toMatchObject({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
  });

  it('a token DigiLocker does not take is its 401 invalid_token, "The access token is invalid"', async () => {
    const { emulator: digilocker } = context;
    const response = await fetch(`${digilocker.origin}/public/oauth2/1/user`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(await statusAndBody(response)).toEqual({ status: 401, body: { error: 'invalid_token', error_description: 'The access token is invalid' } });
  });

  it("the partner's access removed in DigiLocker marks the connection needs re-auth after one refused refresh", async () => {
    const { emulator: digilocker } = context;
    const leaving = person(103, 'Ravi', 'Verma');
    const { browser, userId } = await signIn(leaving);
    digilocker.withdraw(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'digilocker', userId, () => issued(browser));
  });

  it('disconnect revokes the refresh token once at /public/oauth2/1/revoke, as JSON with its hint and the client as Basic, and the whole grant ends', async () => {
    const { emulator: digilocker } = context;
    const { browser, userId } = await signIn(person(104, 'Meera', 'Iyer'));
    const stored = await expectDisconnectRevokes(context, 'digilocker', { browser, userId }, { requests: 1 });
    expect(digilocker.revocations.at(-1)).toEqual({ basicUser: CLIENT_ID, body: { token: stored.refreshToken, token_type_hint: 'refresh_token' } });
    expect(digilocker.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(`${digilocker.origin}/public/oauth2/1/token`, CLIENT, stored.refreshToken!, { by: 'form' })).status).toBe(400);
  });

  it('disconnect after DigiLocker ended the grant: its 400 (the token is invalid) is taken as revoked already, and the tokens are deleted', async () => {
    const { emulator: digilocker, app } = context;
    const gone = person(105, 'Kiran', 'Das');
    const { browser, userId } = await signIn(gone);
    digilocker.withdraw(gone);
    const revocations = digilocker.server.counts.revoke ?? 0;
    expect(await disconnectThrough(browser, 'digilocker')).toMatchObject({ disconnected: true });
    expect(digilocker.server.counts.revoke).toBe(revocations + 1);
    expect(await app.runtime.tokenStore.findToken(userId, 'digilocker')).toBeUndefined();
  });

  it('DigiLocker refuses a revocation without the client', async () => {
    const { emulator: digilocker } = context;
    const response = await fetch(`${digilocker.origin}/public/oauth2/1/revoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'any', token_type_hint: 'access_token' }) });
    expect(response.status).toBe(401);
  });

  it('/public/oauth2/1/user failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, DIGILOCKER, person(110, 'Outage', 'Profile'), (digilocker) => digilocker.failNextProfile(500));
  });

  standardCases(() => context, DIGILOCKER, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(DIGILOCKER, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the digilocker preset in production', () => {
  it('with the client alone, signs in and reads the user at api.digitallocker.gov.in, revokes at its /revoke, asks no scope and sends the client in the form', () => {
    const { settings } = presetInProduction('digilocker', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'DigiLocker',
      endpoints: {
        authorizationEndpoint: 'https://api.digitallocker.gov.in/public/oauth2/1/authorize',
        tokenEndpoint: 'https://api.digitallocker.gov.in/public/oauth2/1/token',
        userinfoEndpoint: 'https://api.digitallocker.gov.in/public/oauth2/1/user',
        revocationEndpoint: 'https://api.digitallocker.gov.in/public/oauth2/1/revoke',
      },
      scope: '',
      apiBaseUrl: 'https://api.digitallocker.gov.in/public/oauth2',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'digilockerid',
    });
    expect(settings({ DIGILOCKER_BASE_URL: 'https://betaapi.digitallocker.gov.in' })).toMatchObject({
      endpoints: { authorizationEndpoint: 'https://betaapi.digitallocker.gov.in/public/oauth2/1/authorize' },
      apiBaseUrl: 'https://betaapi.digitallocker.gov.in/public/oauth2',
    });
  });
});
