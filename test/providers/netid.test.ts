import { decodeProtectedHeader, decodeJwt } from 'jose';
import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { NETID_ACCESS_TOKEN_SECONDS, startNetIdEmulator, type NetIdEmulator, type NetIdUser } from './netid.emulator.js';

// A client id of the kind the netID Developer Portal shows (a UUID) and its "netID Token" as the secret.
const CLIENT_ID = 'f6316771-2c4b-4d8e-9a1f-3b5c7d9e0a2b';
const CLIENT_SECRET = 'nGk3pQ7vX2mR9tY4wZ8bC1dF6hJ0lN5s';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/netid/callback`;

// One clock for the app and the emulator, which a test moves past netID's 15 minutes.
let clock = Math.floor(Date.now() / 1000);
const now = () => clock;

function person(id: number, givenName: string, familyName: string): NetIdUser {
  return { sub: `geuGIhNTX${String(id).padStart(6, '0')}-hJ4CHXdh_hM2ZsCR2Iy7v7hs1M`, givenName, familyName, email: `${givenName.toLowerCase()}.${familyName.toLowerCase()}@example.de` };
}

/** Only the documented variables: the preset and the client, the issuer and the API base pointed at the emulator. */
function netidEnv(netid: NetIdEmulator): Record<string, string> {
  return presetEnv('netid', CLIENT_ID, CLIENT_SECRET, { NETID_ISSUER: netid.issuer, NETID_API_BASE_URL: netid.origin });
}

const NETID: StandardProvider<NetIdUser, NetIdEmulator> = {
  preset: 'netid',
  displayName: 'netID',
  startEmulator: () => startNetIdEmulator({ ...CLIENT, redirectUri: REDIRECT_URI, now }),
  env: netidEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.sub,
};

const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/netid/proxy/userinfo`);

describeEachDialect('netID, against an emulator of the netID broker', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), NETID, { now });

  const signIn = (user: NetIdUser) => signInAs(context, 'netid', user);

  it("signs in through discovery as userinfo's pairwise sub, named by the given and family names, the e-mail verified as netID says; openid profile email with S256 PKCE and no nonce, the client by Basic as netID builds it (not form-encoded), a 15-minute token and no refresh token", async () => {
    const { database, emulator: netid, app } = context;
    const jane = person(101, 'Jane', 'Doe');
    const { userId, request } = await signIn(jane);
    expect(Object.fromEntries(request)).toMatchObject({ scope: 'openid profile email', response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, code_challenge_method: 'S256' });
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.get('nonce')).toBeNull();
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(jane.sub);
    expect(JSON.parse(account.claims)).toMatchObject({ sub: jane.sub, given_name: 'Jane', family_name: 'Doe' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Jane Doe', email: jane.email });
    expect(Boolean(user.email_verified)).toBe(true);
    const exchange = netid.server.requests.findLast((r) => r.path === '/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    const token = await app.runtime.tokenStore.findToken(userId, 'netid');
    expect(token).toMatchObject({ refreshToken: null, idToken: null, scope: 'openid profile email' });
    // On the shared clock, which the last case moves on.
    expect(token!.expiresAt! - now()).toBe(NETID_ACCESS_TOKEN_SECONDS);
  });

  it("netID's ID token is unsigned (alg none): it is dropped unread, and the person is still userinfo's sub", async () => {
    const { emulator: netid, app } = context;
    const { userId } = await signIn(person(105, 'Erika', 'Mustermann'));
    const answer = netid.tokenAnswers.at(-1)!;
    expect(Object.keys(answer).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'token_type']);
    expect(decodeProtectedHeader(answer.id_token as string)).toEqual({ alg: 'none' });
    expect(decodeJwt(answer.id_token as string)).toMatchObject({ iss: netid.issuer, sub: person(105, 'Erika', 'Mustermann').sub, aud: CLIENT_ID });
    expect(await app.runtime.tokenStore.findToken(userId, 'netid')).toMatchObject({ idToken: null, accessToken: answer.access_token });
  });

  it('signing in again finds the same person by the sub', async () => {
    const { database } = context;
    const first = await signIn(person(106, 'Max', 'Mustermann'));
    const second = await signIn(person(106, 'Max', 'Mustermann'));
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', 'netid').where('subject', '=', person(106, 'Max', 'Mustermann').sub).execute()).toHaveLength(1);
  });

  it('the proxy reads /userinfo with the token as Bearer; 20 concurrent calls ask netID for no token, as there is nothing to refresh', async () => {
    const { emulator: netid, app } = context;
    const alan = person(102, 'Alan', 'Turing');
    const { browser, userId } = await signIn(alan);
    const tokenRequests = netid.server.counts.token_request ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => userinfo(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ sub: alan.sub, given_name: 'Alan', family_name: 'Turing', email_verified: true });
    const stored = await app.runtime.tokenStore.findToken(userId, 'netid');
    expect(netid.server.requests.findLast((r) => r.path === '/userinfo')!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
    expect(netid.server.counts.token_request ?? 0).toBe(tokenRequests);
  });

  it("the person revoking the service's authorization at netID marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: netid } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    expect((await userinfo(browser)).status).toBe(200);
    netid.revokeConsent(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'netid', userId, () => userinfo(browser));
  });

  it('netID refuses an authorization request without openid, and a code a second time', async () => {
    const { emulator: netid } = context;
    const base = { client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', state: 'state-1' };
    const answer = await fetch(`${netid.origin}/authorize?${new URLSearchParams({ ...base, scope: 'profile email' })}`, { redirect: 'manual' });
    expect(new URL(answer.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
    netid.signInAs(person(107, 'Twice', 'Used'));
    const granted = await fetch(`${netid.origin}/authorize?${new URLSearchParams({ ...base, scope: 'openid' })}`, { redirect: 'manual' });
    const code = new URL(granted.headers.get('location')!).searchParams.get('code')!;
    const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
    const exchange = () => fetch(`${netid.origin}/token`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ code, redirect_uri: REDIRECT_URI, grant_type: 'authorization_code' }) });
    expect((await exchange()).status).toBe(200);
    const again = await exchange();
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('disconnect deletes the token here and asks netID nothing: it documents no revocation', async () => {
    const signedIn = await signIn(person(104, 'Goodbye', 'Person'));
    await expectDisconnectAsksNothing(context, 'netid', signedIn);
  });

  standardCases(() => context, NETID, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });

  // Last: it moves the clock.
  it("past netID's 15 minutes the token is refused: the connection needs re-auth, with no token request", async () => {
    const { emulator: netid } = context;
    const { browser, userId } = await signIn(person(108, 'Quarter', 'Hour'));
    clock += NETID_ACCESS_TOKEN_SECONDS - 120;
    expect((await userinfo(browser)).status).toBe(200);
    clock += 180;
    await expectNeedsReauthWithoutTokenRequest(context, 'netid', userId, () => userinfo(browser));
    expect(netid.server.counts.refresh_token ?? 0).toBe(0);
  });
});

describeClientFailures(NETID, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it('in production the preset discovers broker.netid.de and reads the person from its userinfo', () => {
  expect(presetInProduction('netid', CLIENT).settings({})).toMatchObject({
    displayName: 'netID',
    discovery: { issuer: 'https://broker.netid.de/' },
    scope: 'openid profile email',
    apiBaseUrl: 'https://broker.netid.de',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    idTokenUnused: true,
    subjectClaim: 'sub',
  });
});
