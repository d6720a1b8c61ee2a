import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startClioEmulator, type ClioEmulator, type ClioUser } from './clio.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind Clio's Developer Portal gives a developer application (its key and secret).
const CLIENT_ID = 'fzaXZvrLPlPGdQpKjz2bMw8hRTk7Pg5HgpEi9tOa';
const CLIENT_SECRET = 'KWkW4tm8XfLCGSr9ThVjnQHm1tiRBn37Zbq1s9LQ';
const REDIRECT_URI = `${APP_ORIGIN}/auth/clio/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(n: number, name: string): ClioUser {
  return { id: 344_000 + n, name, email: `${name.replace(' ', '.')}@example.com`.toLowerCase() };
}

/** Only the documented variables: the preset, the client, and Clio's OAuth endpoints and API v4 pointed at the emulator (the profile moves with the API base). */
function clioEnv(clio: ClioEmulator): Record<string, string> {
  return presetEnv('clio', CLIENT_ID, CLIENT_SECRET, {
    CLIO_AUTHORIZE_URL: `${clio.origin}/oauth/authorize`,
    CLIO_ACCESS_TOKEN_URL: `${clio.origin}/oauth/token`,
    CLIO_REVOCATION_URL: `${clio.origin}/oauth/deauthorize`,
    CLIO_API_BASE_URL: `${clio.origin}/api/v4`,
  });
}

const CLIO: StandardProvider<ClioUser, ClioEmulator> = {
  preset: 'clio',
  displayName: 'Clio',
  startEmulator: () => startClioEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: (clio) => clioEnv(clio),
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

const matters = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/clio/proxy/matters.json`);

describeEachDialect('Clio Manage, against an emulator of Clio', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), CLIO);

  const signIn = (user: ClioUser) => signInAs(context, 'clio', user);

  it('signs in as the numeric id of who_am_i (its fields named), with its name and an unverified e-mail; no scope, redirect_on_decline, no PKCE, the client in the form, a 30-day token with a refresh token', async () => {
    const { database, emulator: clio, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('redirect_on_decline')).toBe('true');
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.has('code_challenge')).toBe(false);
    expect(clio.profileFields.at(-1)).toBe('id,name,email');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(String(ada.id));
    expect(JSON.parse(account.claims)).toMatchObject({ id: String(ada.id), name: 'Ada Lovelace', email: 'ada.lovelace@example.com' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada.lovelace@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'clio');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 2_591_900, 2_592_000);
    const exchange = clio.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
  });

  it('the proxy calls the API v4; 20 concurrent calls on an expired token make one refresh, which answers no refresh token, so the one held is kept and still works', async () => {
    const { emulator: clio } = context;
    const { browser, userId } = await signIn(person(102, 'Alan Turing'));
    const { after, answers } = await expectKeptAfterStorm(context, 'clio', userId, () => matters(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: [{ display_number: '00001-Lovelace' }] });
    expectAccessTokenLifetime(after, 2_591_900, 2_592_000);
    const refreshed = await refreshAtProvider(`${clio.origin}/oauth/token`, CLIENT, after.refreshToken!, { by: 'form' });
    expect(refreshed.status).toBe(200);
    expect(Object.keys((await refreshed.json()) as object).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
  });

  it("the application deauthorized in Clio marks the connection 'needs re-auth' after one refresh Clio refuses", async () => {
    const { emulator: clio } = context;
    const leaving = person(103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    clio.deauthorizeInClio(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'clio', userId, () => matters(browser));
  });

  it('disconnect deauthorizes at Clio with the access token as Bearer, and the tokens end', async () => {
    const { emulator: clio } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'clio', { browser, userId }, { requests: 1 });
    expect(clio.deauthorizations.at(-1)).toBe(`Bearer ${stored.accessToken}`);
    expect(clio.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(`${clio.origin}/oauth/token`, CLIENT, stored.refreshToken!, { by: 'form' })).status).toBe(400);
  });

  it('who_am_i failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, CLIO, person(110, 'Outage Profile'), (clio) => clio.failNextProfile(500));
  });

  standardCases(() => context, CLIO, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(CLIO, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Clio in production', () => {
  it("with the client alone, signs in at app.clio.com, reads who_am_i with its fields, deauthorizes there and calls the API v4", () => {
    const { settings } = presetInProduction('clio', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Clio',
      endpoints: {
        authorizationEndpoint: 'https://app.clio.com/oauth/authorize',
        tokenEndpoint: 'https://app.clio.com/oauth/token',
        userinfoEndpoint: 'https://app.clio.com/api/v4/users/who_am_i.json?fields=id,name,email',
        revocationEndpoint: 'https://app.clio.com/oauth/deauthorize',
      },
      scope: '',
      apiBaseUrl: 'https://app.clio.com/api/v4',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
