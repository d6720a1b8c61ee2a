import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startTrainingPeaksEmulator, TRAININGPEAKS_ACCESS_TOKEN_SECONDS, type TrainingPeaksAthlete, type TrainingPeaksEmulator } from './trainingpeaks.emulator.js';

// A client id and secret of the kind TrainingPeaks issues a partner application (the id names the application).
const CLIENT_ID = 'acme-endurance';
const CLIENT_SECRET = 'Qm9XyT3kLr8vWc2NpZ6hJd4sFa7gBe1uKt5oVi0';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/trainingpeaks/callback`;
const USER_AGENT = `${CLIENT_ID}/1.0`;

function athlete(id: number, firstName: string, lastName: string): TrainingPeaksAthlete {
  return { id: 123_000 + id, firstName, lastName, email: `${firstName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and the OAuth endpoints and API pointed at the emulator (the profile moves with the API base), as for the sandbox. */
function trainingPeaksEnv(trainingpeaks: TrainingPeaksEmulator): Record<string, string> {
  return presetEnv('trainingpeaks', CLIENT_ID, CLIENT_SECRET, {
    TRAININGPEAKS_AUTHORIZE_URL: `${trainingpeaks.origin}/OAuth/Authorize`,
    TRAININGPEAKS_ACCESS_TOKEN_URL: `${trainingpeaks.origin}/oauth/token`,
    TRAININGPEAKS_REVOCATION_URL: `${trainingpeaks.origin}/oauth/deauthorize`,
    TRAININGPEAKS_API_BASE_URL: trainingpeaks.origin,
  });
}

const TRAININGPEAKS: StandardProvider<TrainingPeaksAthlete, TrainingPeaksEmulator> = {
  preset: 'trainingpeaks',
  displayName: 'TrainingPeaks',
  startEmulator: () => startTrainingPeaksEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: trainingPeaksEnv,
  people: standardPeopleByNameParts(athlete),
  subjectOf: (someone) => String(someone.id),
};

const workouts = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/trainingpeaks/proxy/v2/workouts/2026-11-01/2026-11-30`);

describeEachDialect('TrainingPeaks, against an emulator of TrainingPeaks', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), TRAININGPEAKS);
  const signIn = (someone: TrainingPeaksAthlete) => signInAs(context, 'trainingpeaks', someone);
  const tokenUrl = () => `${context.emulator.origin}/oauth/token`;

  it('signs in as the Id of /v1/athlete/profile with the names and an unverified e-mail; athlete:profile workouts:read asked, no PKCE, the client in the form with the User-Agent, a short-lived token with a refresh token', async () => {
    const { database, emulator: trainingpeaks, app } = context;
    const ada = athlete(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('athlete:profile workouts:read');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('123101');
    expect(JSON.parse(account.claims)).toEqual({ id: '123101', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@example.com' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'trainingpeaks');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'athlete:profile workouts:read' });
    expectAccessTokenLifetime(token, TRAININGPEAKS_ACCESS_TOKEN_SECONDS - 100, TRAININGPEAKS_ACCESS_TOKEN_SECONDS);
    const exchange = trainingpeaks.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(exchange.headers['user-agent']).toBe(USER_AGENT);
    const profile = trainingpeaks.server.requests.findLast((r) => r.path === '/v1/athlete/profile')!;
    expect(profile.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
    expect(profile.headers['user-agent']).toBe(USER_AGENT);
  });

  it('the proxy calls the API with the User-Agent; 20 concurrent calls on an expired token make one refresh, whose new refresh token is kept', async () => {
    const { emulator: trainingpeaks } = context;
    const { browser, userId } = await signIn(athlete(102, 'Grace', 'Hopper'));
    const first = await workouts(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject([{ AthleteId: 123102, WorkoutDay: '2026-11-01T00:00:00' }]);
    expect(trainingpeaks.server.requests.findLast((r) => r.path.startsWith('/v2/workouts/'))!.headers['user-agent']).toBe(USER_AGENT);
    const { after } = await expectRotatedAfterStorm(context, 'trainingpeaks', userId, () => workouts(browser));
    expectAccessTokenLifetime(after, TRAININGPEAKS_ACCESS_TOKEN_SECONDS - 100, TRAININGPEAKS_ACCESS_TOKEN_SECONDS);
    const refresh = trainingpeaks.server.requests.findLast((r) => r.path === '/oauth/token')!;
    expect(refresh.headers['user-agent']).toBe(USER_AGENT);
    const refreshed = await refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!, { by: 'form' });
    expect(await refreshed.json()).toMatchObject({ token_type: 'bearer', expires_in: TRAININGPEAKS_ACCESS_TOKEN_SECONDS, refresh_token: expect.any(String), scope: 'athlete:profile workouts:read' });
  });

  it('the emulator refuses what TrainingPeaks refuses: a token short of the scope (403), no token (401), athlete:profile beside coach:athletes', async () => {
    const { emulator: trainingpeaks } = context;
    const unauthenticated = await fetch(`${trainingpeaks.origin}/v1/athlete/profile`);
    expect(unauthenticated.status).toBe(401);
    const authorize = new URL(`${trainingpeaks.origin}/OAuth/Authorize`);
    authorize.search = new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'athlete:profile coach:athletes', state: 's' }).toString();
    const refused = await fetch(authorize, { redirect: 'manual' });
    expect(new URL(refused.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  it("the application removed in TrainingPeaks marks the connection 'needs re-auth' after one refresh TrainingPeaks refuses", async () => {
    const { emulator: trainingpeaks } = context;
    const leaving = athlete(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    trainingpeaks.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'trainingpeaks', userId, () => workouts(browser));
  });

  it('disconnect deauthorizes at /oauth/deauthorize with the access token as Bearer, and the tokens end', async () => {
    const { emulator: trainingpeaks } = context;
    const { browser, userId } = await signIn(athlete(104, 'Goodbye', 'Person'));
    const stored = await expectDisconnectRevokes(context, 'trainingpeaks', { browser, userId }, { requests: 1 });
    expect(trainingpeaks.deauthorizations.at(-1)).toBe(`Bearer ${stored.accessToken}`);
    expect(trainingpeaks.server.requests.findLast((r) => r.path === '/oauth/deauthorize')!.headers['user-agent']).toBe(USER_AGENT);
    expect(trainingpeaks.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!, { by: 'form' })).status).toBe(400);
  });

  it('/v1/athlete/profile failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, TRAININGPEAKS, athlete(110, 'Outage', 'Profile'), (trainingpeaks) => trainingpeaks.failNextProfile(500));
  });

  standardCases(() => context, TRAININGPEAKS, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(TRAININGPEAKS, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('TrainingPeaks in production', () => {
  it('with the client alone, signs in at oauth.trainingpeaks.com, reads the athlete and calls the API at api.trainingpeaks.com, deauthorizes at the OAuth host, with the client id as User-Agent', () => {
    const { settings } = presetInProduction('trainingpeaks', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'TrainingPeaks',
      endpoints: {
        authorizationEndpoint: 'https://oauth.trainingpeaks.com/OAuth/Authorize',
        tokenEndpoint: 'https://oauth.trainingpeaks.com/oauth/token',
        userinfoEndpoint: 'https://api.trainingpeaks.com/v1/athlete/profile',
        revocationEndpoint: 'https://oauth.trainingpeaks.com/oauth/deauthorize',
      },
      scope: 'athlete:profile workouts:read',
      apiBaseUrl: 'https://api.trainingpeaks.com',
      apiHeaders: { 'user-agent': USER_AGENT },
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
