import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startOutreachEmulator, type OutreachEmulator, type OutreachUser } from './outreach.emulator.js';

const CLIENT_ID = '5WohDIKnAUXmeiGFYAyhfcwQ-L3Gg8VrF8zHUpufP_Q';
const CLIENT_SECRET = 'k9/Qz+Xr7=tm2&Lp3wBv8';
const REDIRECT_URI = `${APP_ORIGIN}/auth/outreach/callback`;

function person(id: number, name: string): OutreachUser {
  const [firstName, lastName] = name.split(' ') as [string, string];
  return { id, firstName, lastName, email: `${firstName.toLowerCase()}@example.com`, org: `${lastName.toLowerCase()}co` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (`GET /api/v2`, the profile, moves with the API base). */
function outreachEnv(emulator: OutreachEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('outreach', CLIENT_ID, CLIENT_SECRET, {
    OUTREACH_AUTHORIZE_URL: `${emulator.origin}/oauth/authorize`,
    OUTREACH_ACCESS_TOKEN_URL: `${emulator.origin}/oauth/token`,
    OUTREACH_API_BASE_URL: emulator.origin,
    ...extra,
  });
}

/** A refresh at Outreach itself, as another copy of the token would make it. */
function refreshThere(emulator: OutreachEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${emulator.origin}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT_URI, grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
}

const INVALID_GRANT = {
  error: 'invalid_grant',
  error_description: 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
};

const OUTREACH: StandardProvider<OutreachUser, OutreachEmulator> = {
  preset: 'outreach',
  displayName: 'Outreach',
  startEmulator: () => startOutreachEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: outreachEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

describeEachDialect('Outreach, against an emulator of Outreach', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), OUTREACH);

  const signIn = (user: OutreachUser) => signInAs(context, 'outreach', user);
  const userCall = (browser: TestBrowser, id: number) => browser.get(`${APP_ORIGIN}/api/providers/outreach/proxy/api/v2/users/${id}`);

  it("signs in as the meta.user id of GET /api/v2, named by its first and last name, its e-mail unverified; users.read and state sent, no PKCE, the client in the form, 2-hour tokens with a refresh token", async () => {
    const { database, emulator, app } = context;
    const { userId, request } = await signIn(person(4217, 'Debora Lang'));
    expect(request.get('scope')).toBe('users.read');
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.has('code_challenge')).toBe(false);
    const stored = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(stored.subject).toBe('4217');
    expect(JSON.parse(stored.claims)).toMatchObject({ id: 4217, name: 'Debora Lang', given_name: 'Debora', family_name: 'Lang' });
    const row = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(row).toEqual({ email: 'debora@example.com', email_verified: null, name: 'Debora Lang' });
    const token = await app.runtime.tokenStore.findToken(userId, 'outreach');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'users.read' });
    expectAccessTokenLifetime(token, 7_100, 7_200);
    const exchange = emulator.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('the proxy reaches the REST API; 20 concurrent calls on an expired token make one refresh, the rotated refresh token is kept, and the old one is refused', async () => {
    const { emulator } = context;
    const storm = person(5120, 'Storm Person');
    const { browser, userId } = await signIn(storm);
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'outreach', userId, () => userCall(browser, storm.id));
    expect(JSON.parse(answers[0]!.text)).toEqual({ data: { type: 'user', id: 5120, attributes: { email: 'storm@example.com', firstName: 'Storm', lastName: 'Person', name: 'Storm Person' } } });
    expect(after.scope).toBe('users.read');
    expect(await statusAndBody(refreshThere(emulator, before.refreshToken!))).toEqual({ status: 400, body: INVALID_GRANT });
  });

  it("a refresh token Outreach refuses (invalid_grant) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator, app } = context;
    const refused = person(5121, 'Refused Refresh');
    const { browser, userId } = await signIn(refused);
    const stored = await app.runtime.tokenStore.findToken(userId, 'outreach');
    // Rotated behind the app's back (another copy of the token used it): Outreach no longer takes the stored one.
    expect((await refreshThere(emulator, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator }, 'outreach', userId, () => userCall(browser, refused.id));
  });

  it('disconnect deletes the tokens here and asks Outreach nothing: it documents no revocation', async () => {
    const { emulator, app } = context;
    const { browser, userId } = await signIn(person(5122, 'Leaving Person'));
    const { accessToken } = (await app.runtime.tokenStore.findToken(userId, 'outreach'))!;
    const requests = emulator.server.requests.length;
    expect(await disconnectThrough(browser, 'outreach')).toEqual({ disconnected: true, revokedAtProvider: false });
    expect(emulator.server.requests.length).toBe(requests);
    expect(await app.runtime.tokenStore.findToken(userId, 'outreach')).toBeUndefined();
    expect(emulator.accepts(accessToken)).toBe(true);
  });

  standardCases(() => context, OUTREACH, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Outreach scopes', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: OUTREACH.startEmulator,
    env: (emulator) => outreachEnv(emulator, { OUTREACH_SCOPE: 'prospects.read' }),
  });

  it('signs in without users.read (GET /api/v2 needs no scope), and a call outside the scopes granted comes back as 403 unauthorizedOauthScope', async () => {
    const { app } = context;
    const reader = person(5123, 'Prospect Reader');
    const { browser, userId } = await signInAs(context, 'outreach', reader);
    expect(await app.runtime.tokenStore.findToken(userId, 'outreach')).toMatchObject({ scope: 'prospects.read' });
    const call = await browser.get(`${APP_ORIGIN}/api/providers/outreach/proxy/api/v2/users/${reader.id}`);
    expect(call.status).toBe(403);
    expect(JSON.parse(call.text)).toMatchObject({ errors: [{ id: 'unauthorizedOauthScope' }] });
  });
});

describeKeepAlive(OUTREACH, {
  title: 'Outreach refresh tokens (14 days) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last quarter (3½ days) of its refresh token’s 14, and the connection outlives that refresh token',
  startEmulator: (now) => startOutreachEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person(5124, 'Idle Person'),
  dueAfterDays: 10.5,
  // Past the first refresh token's 14 days, the connection works: the rotated one refreshes its access token.
  usedAgainAfterDays: 10,
});

describeClientFailures(OUTREACH, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
