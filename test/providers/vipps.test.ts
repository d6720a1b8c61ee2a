import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startVippsEmulator, VIPPS_ACCESS_TOKEN_TTL, type VippsEmulator, type VippsUser } from './vipps.emulator.js';

// A client id (a UUID) and a base64 client secret, as the business portal shows a sales unit's keys: the secret's
// `+` and `=` go into the Basic header as they are, which form-encoding them first (RFC 6749 §2.3.1) would change.
const CLIENT_ID = '4f7d2c1a-9b3e-4a5d-8c6f-0e1d2c3b4a59';
const CLIENT_SECRET = 'dGVzdGR6bEpiVVphTTFscU9EbG5VVXRyVUhJ+Zx9=';
const REDIRECT_URI = `${APP_ORIGIN}/auth/vipps/callback`;
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(id: number, name: string): VippsUser {
  const [givenName, familyName = 'Nordmann'] = name.split(' ');
  return {
    sub: `c06c4afe-d9e1-4c5d-939a-${String(id).padStart(12, '0')}`,
    givenName: givenName!,
    familyName,
    email: `${givenName!.toLowerCase()}@example.no`,
    emailVerified: true,
    phoneNumber: `47${String(91_000_000 + id)}`,
  };
}

/** Only the documented variables: the preset, the client, VIPPS_ISSUER naming the emulator as it names the test environment, and the API base the userinfo endpoint is on. */
function vippsEnv(vipps: VippsEmulator): Record<string, string> {
  return presetEnv('vipps', CLIENT_ID, CLIENT_SECRET, { VIPPS_ISSUER: vipps.issuer, VIPPS_API_BASE_URL: vipps.origin });
}

const VIPPS: StandardProvider<VippsUser, VippsEmulator> = {
  preset: 'vipps',
  displayName: 'Vipps MobilePay',
  startEmulator: () => startVippsEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: vippsEnv,
  people: {
    cancelled: person(108, 'Changed Mind'),
    'refused-code': person(109, 'Refused Code'),
    'wrong-secret': person(301, 'Wrong Secret'),
    'exchange-failure': person(302, 'Outage Person'),
  },
  subjectOf: (user) => user.sub,
};

const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/vipps/proxy/vipps-userinfo-api/userinfo`);

describeEachDialect('Vipps MobilePay Login, against an emulator of it', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), VIPPS);

  const signIn = (user: VippsUser) => signInAs(context, 'vipps', user);

  it("signs in through discovery as the ID token's pairwise sub, with userinfo's name, verified e-mail and phone number; PKCE, a nonce and a long state; Basic credentials as they are; an hour-long token and no refresh token", async () => {
    const { database, emulator: vipps, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('openid name email phoneNumber');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('nonce')).toEqual(expect.any(String));
    expect(request.get('state')!.length).toBeGreaterThanOrEqual(8);
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: vipps.issuer, subject: ada.sub });
    expect(JSON.parse(account.claims)).toMatchObject({ given_name: 'Ada', family_name: 'Lovelace', phone_number: '4791000101' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.no' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'vipps');
    expect(token).toMatchObject({ refreshToken: null, scope: 'openid name email phoneNumber' });
    expectAccessTokenLifetime(token, VIPPS_ACCESS_TOKEN_TTL - 100, VIPPS_ACCESS_TOKEN_TTL);
    expect(vipps.server.requests.findLast((r) => r.path.endsWith('/oauth2/token'))!.headers.authorization).toBe(BASIC);
  });

  it('an e-mail Vipps says is not verified is stored as unverified', async () => {
    const { database } = context;
    const { userId } = await signIn({ ...person(105, 'Grace Hopper'), emailVerified: false });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('grace@example.no');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy reads userinfo with the token; once the hour is over, 20 calls answer needs_reauth and Vipps is asked for no token', async () => {
    const { database, emulator: vipps, app } = context;
    const { browser, userId } = await signIn(person(102, 'Alan Turing'));
    const first = await userinfo(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ sub: person(102, 'Alan Turing').sub, name: 'Alan Turing' });
    await expireAccessTokens(database, userId);
    const tokenRequests = vipps.server.counts.token_request ?? 0;
    const calls = vipps.server.counts.userinfo ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => userinfo(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(401));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ error: 'needs_reauth' });
    expect(vipps.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect(vipps.server.counts.userinfo ?? 0).toBe(calls);
    expect((await app.runtime.tokenStore.findToken(userId, 'vipps'))!.status).toBe('needs_reauth');
  });

  it("consent revoked in the app: userinfo's 401 marks the connection needs re-auth, with no refresh to try", async () => {
    const { emulator: vipps } = context;
    const leaving = person(103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    vipps.removeConsent(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'vipps', userId, () => userinfo(browser));
  });

  it('disconnect revokes the access token at the revocation_endpoint of the discovery document, with Basic credentials as they are, and Vipps takes it no more', async () => {
    const { emulator: vipps } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'vipps', { browser, userId }, { requests: 1 });
    const sent = vipps.server.requests.findLast((r) => r.path.endsWith('/oauth2/revoke'))!;
    expect(sent.headers.authorization).toBe(BASIC);
    expect(vipps.accepts(stored.accessToken)).toBe(false);
  });

  standardCases(() => context, VIPPS, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(VIPPS, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
