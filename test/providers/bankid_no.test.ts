import { describe, expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { BANKID_ACCESS_TOKEN_SECONDS, startBankIdEmulator, type BankIdEmulator, type BankIdUser } from './bankid_no.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, rowCounts, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind a BankID partner provisions.
const CLIENT_ID = 'acme-bank-oidc-prod';
const CLIENT_SECRET = '3f9a7c1e-5b2d-4e8f-9a6c-0d1e2f3a4b5c';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/bankid_no/callback`;

function person(n: number, givenName: string, familyName: string): BankIdUser {
  return { sub: `b3f4d919-8cc5-413c-9e11-${String(n).padStart(12, '0')}`, altsub: `9578-5999-4-${1765000 + n}`, givenName, familyName, birthdate: '1966-12-18' };
}

/** The documented variable for another environment, `<NAME>_ISSUER` (Current's realm), pointed at the emulator. */
function bankIdEnv(bankid: BankIdEmulator): Record<string, string> {
  return presetEnv('bankid_no', CLIENT_ID, CLIENT_SECRET, { BANKID_NO_ISSUER: bankid.issuer });
}

const BANKID: StandardProvider<BankIdUser, BankIdEmulator> = {
  preset: 'bankid_no',
  displayName: 'BankID',
  startEmulator: () => startBankIdEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: bankIdEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.altsub!,
};

describeEachDialect('BankID Norway, against an emulator of BankID OIDC', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), BANKID);
  const signIn = (user: BankIdUser) => signInAs(context, 'bankid_no', user);

  it("signs in through discovery as the ID token's bankid_altsub, named from the ID token; openid profile with PKCE, the client as Basic, and the userinfo (consent-based, national identity number) never called", async () => {
    const { database, emulator: bankid, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('openid profile');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.has('nnin_altsub')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: bankid.issuer, subject: ada.altsub });
    expect(JSON.parse(account.claims)).toMatchObject({ bankid_altsub: ada.altsub, given_name: 'Ada', family_name: 'Lovelace' });
    expect(account.claims).not.toContain('nnin');
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'bankid_no');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, BANKID_ACCESS_TOKEN_SECONDS - 100, BANKID_ACCESS_TOKEN_SECONDS);
    expect(bankid.server.requests.find((r) => r.path.endsWith('/protocol/openid-connect/token'))!.headers.authorization).toMatch(/^Basic /);
    expect(bankid.tokenForms[0]!.get('code_verifier')).toEqual(expect.any(String));
    expect(bankid.server.counts.userinfo ?? 0).toBe(0);
  });

  it('the same bankid_altsub signs in as the same person after BankID changed the sub', async () => {
    const grace = person(105, 'Grace', 'Hopper');
    const first = await signIn(grace);
    const second = await signIn({ ...grace, sub: 'a9d1c7e2-0000-4000-8000-000000000105' });
    expect(second.userId).toBe(first.userId);
  });

  it('an ID token without bankid_altsub (an identity provider that is not BankID) is refused, and nothing is stored', async () => {
    const { database, emulator: bankid, app } = context;
    const before = await rowCounts(database);
    bankid.signInAs({ ...person(106, 'Other', 'Provider'), altsub: undefined });
    const response = await signInThrough(app.browser(), 'bankid_no');
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await rowCounts(database)).toEqual(before);
  });

  it('20 concurrent requests for an expired token make one refresh, as Basic, and the new refresh token is kept', async () => {
    const { database, emulator: bankid, app } = context;
    const { userId } = await signIn(person(102, 'Alan', 'Turing'));
    const before = (await app.runtime.tokenStore.findToken(userId, 'bankid_no'))!;
    await expireAccessTokens(database, userId);
    const refreshes = bankid.server.counts.refresh_token ?? 0;
    const tokens = await Promise.all(Array.from({ length: 20 }, () => app.runtime.tokens.getAccessToken(userId, 'bankid_no')));
    expect(new Set(tokens.map((token) => token.accessToken)).size).toBe(1);
    expect(bankid.server.counts.refresh_token).toBe(refreshes + 1);
    expect(bankid.accepts(tokens[0]!.accessToken)).toBe(true);
    const after = (await app.runtime.tokenStore.findToken(userId, 'bankid_no'))!;
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(bankid.server.requests.findLast((r) => r.path.endsWith('/protocol/openid-connect/token'))!.headers.authorization).toMatch(/^Basic /);
    expect(bankid.tokenForms.at(-1)!.get('grant_type')).toBe('refresh_token');
  });

  it("BankID ending the person's tokens: the refresh is refused once, and the connection needs re-auth", async () => {
    const { database, emulator: bankid, app } = context;
    const leaving = person(103, 'Edsger', 'Dijkstra');
    const { userId } = await signIn(leaving);
    bankid.forget(leaving);
    await expireAccessTokens(database, userId);
    const refreshes = bankid.server.counts.refresh_token ?? 0;
    await expect(app.runtime.tokens.getAccessToken(userId, 'bankid_no')).rejects.toThrow();
    await expect(app.runtime.tokens.getAccessToken(userId, 'bankid_no')).rejects.toThrow();
    expect(bankid.server.counts.refresh_token).toBe(refreshes + 1);
    expect((await app.runtime.tokenStore.findToken(userId, 'bankid_no'))!.status).toBe('needs_reauth');
  });

  it('disconnect asks BankID nothing (no revocation endpoint is documented or discovered) and forgets the tokens', async () => {
    const { browser, userId } = await signIn(person(104, 'Barbara', 'Liskov'));
    await expectDisconnectAsksNothing(context, 'bankid_no', { browser, userId });
  });

  standardCases(() => context, BANKID, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(BANKID, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the bankid_no preset in production', () => {
  it("discovers BankID's production realm, asks openid profile, keys the account by bankid_altsub, sends the client as Basic and reads the profile from the ID token", () => {
    expect(presetInProduction('bankid_no', CLIENT).settings({})).toMatchObject({
      displayName: 'BankID',
      discovery: { issuer: 'https://auth.bankid.no/auth/realms/prod' },
      scope: 'openid profile',
      tokenEndpointAuthMethod: 'client_secret_basic',
      idTokenSubjectClaim: 'bankid_altsub',
      skipUserinfo: true,
    });
  });
});
