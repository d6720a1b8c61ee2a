import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startDialpadEmulator, type DialpadEmulator, type DialpadUser } from './dialpad.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind Dialpad sends once it registers an app.
const CLIENT_ID = 'kW3rTq8mZpL2vN6xYc4h';
const CLIENT_SECRET = 'Jd8sK2mQ9xV4bN7cR1tY5wE3uI6oP0aSdF2gH8jK';
const REDIRECT_URI = `${APP_ORIGIN}/auth/dialpad/callback`;

function person(id: string, firstName: string, lastName: string): DialpadUser {
  return { id, companyId: '4508591728425653', firstName, lastName, email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (users/me moves with the API base). */
function dialpadEnv(dialpad: DialpadEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('dialpad', CLIENT_ID, CLIENT_SECRET, {
    DIALPAD_AUTHORIZE_URL: `${dialpad.origin}/oauth2/authorize`,
    DIALPAD_ACCESS_TOKEN_URL: `${dialpad.origin}/oauth2/token`,
    DIALPAD_REVOCATION_URL: `${dialpad.origin}/oauth2/deauthorize`,
    DIALPAD_API_BASE_URL: `${dialpad.origin}/api/v2`,
    ...extra,
  });
}

/** A refresh at Dialpad itself, as another copy of the token would make it: JSON, the client in it, as Dialpad's API description gives it. */
function refreshAtDialpad(dialpad: DialpadEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${dialpad.origin}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
  });
}

const DIALPAD: StandardProvider<DialpadUser, DialpadEmulator> = {
  preset: 'dialpad',
  displayName: 'Dialpad',
  startEmulator: () => startDialpadEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: dialpadEnv,
  people: {
    cancelled: person('5835806903410108', 'Changed', 'Mind'),
    'refused-code': person('5835806903410109', 'Refused', 'Code'),
    'wrong-secret': person('5835806903410301', 'Wrong', 'Secret'),
    'exchange-failure': person('5835806903410302', 'Outage', 'Person'),
  },
  subjectOf: (user) => user.id,
};

const contacts = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/dialpad/proxy/contacts`);

describeEachDialect('Dialpad, against an emulator of Dialpad', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), DIALPAD);

  const signIn = (user: DialpadUser) => signInAs(context, 'dialpad', user);

  it('signs in as the id of /api/v2/users/me with its display name and first e-mail (verification unknown); offline_access and PKCE asked, the code exchanged as JSON with the client in it (the emulator checks its verifier), a token with a refresh token', async () => {
    const { database, emulator: dialpad, app } = context;
    const { userId, request } = await signIn(person('5835806903417907', 'Ada', 'Lovelace'));
    expect(request.get('scope')).toBe('offline_access');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('5835806903417907');
    expect(JSON.parse(account.claims)).toMatchObject({ id: '5835806903417907', given_name: 'Ada', family_name: 'Lovelace', company_id: '4508591728425653' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada.lovelace@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'dialpad');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = dialpad.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers['content-type']).toBe('application/json');
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('the proxy calls API v2; 20 concurrent calls on an expired token make one refresh, sent as JSON, the new refresh token is kept, and the used one is refused', async () => {
    const { emulator: dialpad } = context;
    const { browser, userId } = await signIn(person('5835806903417908', 'Alan', 'Turing'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'dialpad', userId, () => contacts(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ items: [{ id: '5094346540154880', type: 'shared' }] });
    expect(dialpad.server.requests.filter((r) => r.path === '/oauth2/token').at(-1)!.headers['content-type']).toBe('application/json');
    expect(await statusAndBody(refreshAtDialpad(dialpad, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the app removed for the person marks the connection 'needs re-auth' after Dialpad's 401, with one refused refresh", async () => {
    const { emulator: dialpad } = context;
    const leaving = person('5835806903417909', 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    dialpad.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'dialpad', userId, () => contacts(browser));
  });

  it('disconnect deauthorizes at /oauth2/deauthorize with the access token as Bearer, and both tokens end', async () => {
    const { emulator: dialpad } = context;
    const { browser, userId } = await signIn(person('5835806903417910', 'Goodbye', 'Person'));
    const stored = await expectDisconnectRevokes(context, 'dialpad', { browser, userId }, { requests: 1 });
    const sent = dialpad.server.requests.filter((r) => r.path === '/oauth2/deauthorize').at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
    expect(dialpad.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtDialpad(dialpad, stored.refreshToken!)).status).toBe(400);
  });

  it("disconnect after the app was removed: Dialpad's 401 for the token it no longer takes counts as revoked", async () => {
    const { emulator: dialpad, app } = context;
    const gone = person('5835806903417911', 'Already', 'Gone');
    const { browser, userId } = await signIn(gone);
    dialpad.removeApp(gone);
    expect(await disconnectThrough(browser, 'dialpad')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'dialpad')).toBeUndefined();
  });

  it('users/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, DIALPAD, person('5835806903417912', 'Outage', 'Profile'), (dialpad) => dialpad.failNextProfile(500));
  });

  standardCases(() => context, DIALPAD, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Dialpad without offline_access', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: DIALPAD.startEmulator, env: (dialpad) => dialpadEnv(dialpad, { DIALPAD_SCOPE: 'screen_pop' }) });

  it('keeps no refresh token; once the access token ends, the connection needs signing in again and Dialpad is asked for no token', async () => {
    const { database, emulator: dialpad, app } = context;
    const { browser, userId } = await signInAs(context, 'dialpad', person('5835806903417920', 'Short', 'Lived'));
    expect(await app.runtime.tokenStore.findToken(userId, 'dialpad')).toMatchObject({ refreshToken: null });
    expect((await contacts(browser)).status).toBe(200);
    await expireAccessTokens(database, userId);
    const tokenRequests = dialpad.server.counts.token_request ?? 0;
    const call = await contacts(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(dialpad.server.counts.token_request ?? 0).toBe(tokenRequests);
  });
});

describe('Dialpad in production', () => {
  const { settings } = presetInProduction('dialpad', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("uses dialpad.com's endpoints, offline_access and no ID token, with no variable beyond the client", () => {
    expect(settings({})).toMatchObject({
      displayName: 'Dialpad',
      endpoints: {
        authorizationEndpoint: 'https://dialpad.com/oauth2/authorize',
        tokenEndpoint: 'https://dialpad.com/oauth2/token',
        userinfoEndpoint: 'https://dialpad.com/api/v2/users/me',
        revocationEndpoint: 'https://dialpad.com/oauth2/deauthorize',
      },
      scope: 'offline_access',
      apiBaseUrl: 'https://dialpad.com/api/v2',
      idTokenUnused: true,
    });
  });
});

describeClientFailures(DIALPAD, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
