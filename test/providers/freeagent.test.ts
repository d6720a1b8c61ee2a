import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { freeAgentUserUrl, startFreeAgentEmulator, type FreeAgentEmulator, type FreeAgentUser } from './freeagent.emulator.js';

// A client (OAuth identifier and secret) of the form the FreeAgent Developer Dashboard shows.
const CLIENT_ID = 'Qk3v_XbT9pLm2wRc8sYdNf';
const CLIENT_SECRET = 'hG7-nW2qZr5tKx9LbV4mPc';
const REDIRECT_URI = `${APP_ORIGIN}/auth/freeagent/callback`;
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
const TWENTY_YEARS = 20 * 365 * 86_400;

function person(id: number, firstName: string, lastName: string): FreeAgentUser {
  return { id, firstName, lastName, email: `${firstName.toLowerCase()}@example.co.uk` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the user moves with the API base). */
function freeagentEnv(freeagent: FreeAgentEmulator): Record<string, string> {
  return presetEnv('freeagent', CLIENT_ID, CLIENT_SECRET, {
    FREEAGENT_AUTHORIZE_URL: `${freeagent.origin}/v2/approve_app`,
    FREEAGENT_ACCESS_TOKEN_URL: `${freeagent.origin}/v2/token_endpoint`,
    FREEAGENT_API_BASE_URL: freeagent.origin,
  });
}

const FREEAGENT: StandardProvider<FreeAgentUser, FreeAgentEmulator> = {
  preset: 'freeagent',
  displayName: 'FreeAgent',
  startEmulator: () => startFreeAgentEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: freeagentEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: freeAgentUserUrl,
};

const contacts = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/freeagent/proxy/v2/contacts`);

describeEachDialect('FreeAgent, against an emulator of FreeAgent', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), FREEAGENT);

  const signIn = (user: FreeAgentUser) => signInAs(context, 'freeagent', user);

  it("signs in as the url of /v2/users/me (FreeAgent's unique identifier for the user) with the names, the login e-mail (verification unknown), role and permission level; no scope, a state, no PKCE, the client as plain Basic, an hour-long token with a refresh token and its stated end", async () => {
    const { database, emulator: freeagent, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('https://api.freeagent.com/v2/users/101');
    expect(JSON.parse(account.claims)).toMatchObject({ url: 'https://api.freeagent.com/v2/users/101', given_name: 'Ada', family_name: 'Lovelace', role: 'Director', permission_level: 8 });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.co.uk', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'freeagent');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 3500, 3600);
    expect(token!.refreshTokenExpiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(TWENTY_YEARS - 100);
    const exchange = freeagent.server.requests.find((r) => r.path === '/v2/token_endpoint')!;
    expect(exchange.headers.authorization).toBe(BASIC);
  });

  it('the proxy calls the FreeAgent API; 20 concurrent calls on an expired token make one refresh, and the refresh token it answers is kept with a new hour-long access token', async () => {
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const { after, answers } = await expectKeptAfterStorm(context, 'freeagent', userId, () => contacts(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ contacts: [{ url: 'https://api.freeagent.com/v2/contacts/17', organisation_name: 'Acme Trading Ltd' }] });
    expectAccessTokenLifetime(after, 3500, 3600);
  });

  it("a refresh token FreeAgent revoked marks the connection 'needs re-auth' after one refresh FreeAgent refuses", async () => {
    const { emulator: freeagent } = context;
    const leaving = person(103, 'Lost', 'Phone');
    const { browser, userId } = await signIn(leaving);
    freeagent.revokeRefreshTokens(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'freeagent', userId, () => contacts(browser));
  });

  it('disconnect deletes the tokens here and says they were not revoked at FreeAgent, which documents no endpoint for it: no request is sent', async () => {
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    await expectDisconnectAsksNothing(context, 'freeagent', { browser, userId });
  });

  it('the user failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, FREEAGENT, person(110, 'Outage', 'Profile'), (freeagent) => freeagent.failNextProfile(500));
  });

  standardCases(() => context, FREEAGENT, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(FREEAGENT, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('FreeAgent in production', () => {
  it("with the client alone, signs in at FreeAgent's own endpoints and calls api.freeagent.com with no scope and the client as plain Basic", () => {
    const { settings } = presetInProduction('freeagent', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    expect(settings({})).toMatchObject({
      displayName: 'FreeAgent',
      endpoints: {
        authorizationEndpoint: 'https://api.freeagent.com/v2/approve_app',
        tokenEndpoint: 'https://api.freeagent.com/v2/token_endpoint',
        userinfoEndpoint: 'https://api.freeagent.com/v2/users/me',
      },
      scope: '',
      apiBaseUrl: 'https://api.freeagent.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'url',
    });
    expect(settings({}).endpoints?.revocationEndpoint).toBeUndefined();
  });
});
