import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, signInAs, signInThrough } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, rowCounts, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startFitbitEmulator, type FitbitEmulator, type FitbitUser } from './fitbit.emulator.js';

// A client id as Fitbit shows it (six characters) and a secret with characters form-encoding would change: Basic sends them as they are.
const CLIENT_ID = '22942C';
const CLIENT_SECRET = '0a1b2c3d4e5f60718293a4b5c6d7e8f9-_.~';
const REDIRECT_URI = `${APP_ORIGIN}/auth/fitbit/callback`;
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(encodedId: string, fullName: string): FitbitUser {
  return { encodedId, fullName };
}

/** Only the documented variables: the preset, the client, the scope, and each endpoint pointed at the emulator (the profile moves with the API base). */
function fitbitEnv(fitbit: FitbitEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'fitbit',
    FITBIT_PRESET: 'fitbit',
    FITBIT_CLIENT_ID: CLIENT_ID,
    FITBIT_CLIENT_SECRET: CLIENT_SECRET,
    FITBIT_SCOPE: 'profile activity',
    FITBIT_AUTHORIZE_URL: `${fitbit.origin}/oauth2/authorize`,
    FITBIT_ACCESS_TOKEN_URL: `${fitbit.origin}/oauth2/token`,
    FITBIT_REVOCATION_URL: `${fitbit.origin}/oauth2/revoke`,
    FITBIT_API_BASE_URL: fitbit.origin,
  };
}

/** A refresh at Fitbit itself, as another copy of the token would make it. */
function refreshAtFitbit(fitbit: FitbitEmulator, refreshToken: string): Promise<{ status: number; body: unknown }> {
  return statusAndBody(refreshAtProvider(`${fitbit.origin}/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken));
}

const FITBIT: StandardProvider<FitbitUser, FitbitEmulator> = {
  preset: 'fitbit',
  displayName: 'Fitbit',
  startEmulator: () => startFitbitEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: fitbitEnv,
  people: {
    cancelled: person('CANCEL', 'Changed Mind'),
    'refused-code': person('REFUSE', 'Refused Code'),
    'wrong-secret': person('WRONG1', 'Wrong Secret'),
    'exchange-failure': person('OUTAGE', 'Outage Person'),
  },
  subjectOf: (user) => user.encodedId,
};

describeEachDialect('Fitbit, against an emulator of Fitbit', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), FITBIT);

  const signIn = (user: FitbitUser) => signInAs(context, 'fitbit', user);
  const today = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/fitbit/proxy/1/user/-/activities/date/2026-12-06.json`);

  it('signs in as the encodedId of /1/user/-/profile.json with its full name and no e-mail; PKCE S256, Basic credentials as they are, 8-hour tokens with a refresh token and the granted scope', async () => {
    const { database, emulator: fitbit, app } = context;
    const { userId, request } = await signIn(person('GGNJL9', 'Ada Lovelace'));
    expect(request.get('scope')).toBe('profile activity');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('GGNJL9');
    expect(JSON.parse(account.claims)).toMatchObject({ encoded_id: 'GGNJL9', display_name: 'Ada L.' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: 'Ada Lovelace' });
    const token = await app.runtime.tokenStore.findToken(userId, 'fitbit');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'profile activity' });
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(28_700);
    expect(lifetime).toBeLessThanOrEqual(28_800);
    expect(fitbit.server.requests.find((r) => r.path === '/oauth2/token')!.headers.authorization).toBe(BASIC);
  });

  it('a scope the person unticked is not kept, and the API refuses what it covers (403 passed on)', async () => {
    const { emulator: fitbit, app } = context;
    fitbit.untickNext(['activity']);
    const { browser, userId } = await signIn(person('UNTICK', 'Grace Hopper'));
    expect((await app.runtime.tokenStore.findToken(userId, 'fitbit'))!.scope).toBe('profile');
    const call = await today(browser);
    expect(call.status).toBe(403);
    expect(JSON.parse(call.text)).toMatchObject({ errors: [{ errorType: 'insufficient_scope' }] });
  });

  it('the proxy calls the Web API; 20 concurrent calls on an expired token make one refresh, the new pair is kept, and Fitbit takes the used refresh token no more', async () => {
    const { emulator: fitbit } = context;
    const { browser, userId } = await signIn(person('STORM1', 'Alan Turing'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'fitbit', userId, () => today(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ summary: { steps: 8_234 } });
    expect(fitbit.server.requests.filter((r) => r.path === '/oauth2/token').at(-1)!.headers.authorization).toBe(BASIC);
    expect(await refreshAtFitbit(fitbit, before.refreshToken!)).toMatchObject({ status: 400, body: { errors: [{ errorType: 'invalid_grant' }] } });
  });

  it("the app removed in the person's Fitbit settings: one refresh Fitbit refuses (its invalid_grant) marks the connection 'needs re-auth'; disconnect then counts the grant as revoked", async () => {
    const { emulator: fitbit, app } = context;
    const leaving = person('LEAVE1', 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    fitbit.removeInFitbit(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'fitbit', userId, () => today(browser));
    expect(await disconnectThrough(browser, 'fitbit')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'fitbit')).toBeUndefined();
  });

  it('disconnect revokes the refresh token at /oauth2/revoke with Basic credentials, in one request, and both tokens end', async () => {
    const { emulator: fitbit } = context;
    const { browser, userId } = await signIn(person('GOODBY', 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'fitbit', { browser, userId }, { requests: 1 });
    expect(fitbit.server.requests.filter((r) => r.path === '/oauth2/revoke').at(-1)!.headers.authorization).toBe(BASIC);
    expect(fitbit.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtFitbit(fitbit, stored.refreshToken!)).status).toBe(400);
  });

  it('a grant without the profile scope names no one: the sign-in fails (502) and nothing is stored', async () => {
    const { database, emulator: fitbit, app } = context;
    const before = await rowCounts(database);
    fitbit.untickNext(['profile']);
    fitbit.signInAs(person('NOPROF', 'No Profile'));
    const page = await signInThrough(app.browser(), 'fitbit');
    expect(page.status).toBe(502);
    expect(await rowCounts(database)).toEqual(before);
  });

  standardCases(() => context, FITBIT, { cancelled: {}, refusedCode: { sentAs: "400 with Fitbit's invalid_grant" } });
});

describeClientFailures(FITBIT, { wrongSecret: { sentAs: "401 with Fitbit's invalid_client" }, exchangeFailure: {} });
