import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startBrexEmulator, type BrexEmulator, type BrexUser } from './brex.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

const CLIENT_ID = '0oa1brexpartnerapp5d7';
const CLIENT_SECRET = 'brex-partner-secret-3f9a1c7e5b2d4086a1c3e5f7092b4d6f';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/brex/callback`;
const SCOPE = 'openid offline_access users.readonly';

function person(n: number, firstName: string, lastName: string): BrexUser {
  return { id: `cuuser_cl${String(n).padStart(12, '0')}`, firstName, lastName, email: `${firstName.toLowerCase()}@acme.example` };
}

/** The documented variables: the preset, the client; the issuer, the API base and /v2/users/me pointed at the emulator. */
function brexEnv(brex: BrexEmulator): Record<string, string> {
  return presetEnv('brex', CLIENT_ID, CLIENT_SECRET, { BREX_ISSUER: brex.issuer, BREX_API_BASE_URL: brex.origin, BREX_USERINFO_URL: `${brex.origin}/v2/users/me` });
}

const BREX: StandardProvider<BrexUser, BrexEmulator> = {
  preset: 'brex',
  displayName: 'Brex',
  startEmulator: () => startBrexEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: brexEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Brex, against an emulator of Brex for partners', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), BREX);

  const signIn = (user: BrexUser) => signInAs(context, 'brex', user);
  const me = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/brex/proxy/v2/users/me`);

  it("signs in through discovery as /v2/users/me's id with the joined name and the e-mail (verification unknown), the ID token unread; openid offline_access users.readonly with PKCE, the client as Basic, a one-hour token with a refresh token", async () => {
    const { database, emulator: brex, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe(SCOPE);
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('nonce')).toBeNull();
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ status: 'ACTIVE' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@acme.example' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'brex');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: SCOPE });
    expectAccessTokenLifetime(token, 3600 - 100, 3600);
    expect(brex.server.requests.find((r) => r.path === '/v1/token')!.headers.authorization).toMatch(/^Basic /);
    expect(brex.server.requests.filter((r) => r.path === '/v2/users/me').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy reaches /v2/users/me; 20 concurrent calls on an expired token make one refresh, and the refresh token is kept', async () => {
    const { emulator: brex } = context;
    const alan = person(102, 'Alan', 'Turing');
    const { browser, userId } = await signIn(alan);
    const { after, answers } = await expectKeptAfterStorm(context, 'brex', userId, () => me(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ id: alan.id, first_name: 'Alan', last_name: 'Turing' });
    expect((await statusAndBody(refreshAtProvider(`${brex.issuer}/v1/token`, CLIENT, after.refreshToken!))).status).toBe(200);
  });

  it("an app the customer removed in Brex marks the connection 'needs re-auth' after one refresh Brex refuses", async () => {
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    context.emulator.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'brex', userId, () => me(browser));
  });

  it('disconnect deletes the tokens here and asks Brex nothing: it documents no revocation, and its discovery names none', async () => {
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    await expectDisconnectAsksNothing(context, 'brex', { browser, userId });
  });

  standardCases(() => context, BREX, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(BREX, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the brex preset in production', () => {
  it("discovers Brex's partner authorization server and reads the person from api.brex.com", () => {
    expect(presetInProduction('brex', CLIENT).settings({})).toMatchObject({
      discovery: { issuer: 'https://accounts-api.brex.com/oauth2/default' },
      metadataOverrides: { userinfoEndpoint: 'https://api.brex.com/v2/users/me' },
      scope: SCOPE,
      apiBaseUrl: 'https://api.brex.com',
      idTokenUnused: true,
    });
  });
});
