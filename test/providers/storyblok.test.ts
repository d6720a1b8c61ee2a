import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { STORYBLOK_ACCESS_TOKEN_SECONDS, startStoryblokEmulator, type StoryblokEmulator, type StoryblokUser } from './storyblok.emulator.js';

// A client id and secret of the kind a Storyblok plugin's OAuth settings show.
const CLIENT_ID = 'kQ3v7XbTn2LmP9sRw4YcHg==';
const CLIENT_SECRET = 'Jx8Fq2Lr6Tn0Vb4Hc9Wm3Pz7Sd1Ky5Ge8Ua2Rf6Oi0Nl4Ej9Xc3Bq7Mw1Zt5Yh';
const REDIRECT_URI = `${APP_ORIGIN}/auth/storyblok/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, friendlyName: string): StoryblokUser {
  return { id: 150000 + id, friendlyName };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the user info moves with the API base). */
function storyblokEnv(storyblok: StoryblokEmulator): Record<string, string> {
  return presetEnv('storyblok', CLIENT_ID, CLIENT_SECRET, {
    STORYBLOK_AUTHORIZE_URL: `${storyblok.origin}/oauth/authorize`,
    STORYBLOK_ACCESS_TOKEN_URL: `${storyblok.origin}/oauth/token`,
    STORYBLOK_API_BASE_URL: `${storyblok.origin}/v1`,
  });
}

const STORYBLOK: StandardProvider<StoryblokUser, StoryblokEmulator> = {
  preset: 'storyblok',
  displayName: 'Storyblok',
  startEmulator: () => startStoryblokEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: storyblokEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

const stories = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/storyblok/proxy/spaces/606/stories`);

describeEachDialect('Storyblok, against an emulator of Storyblok', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), STORYBLOK);
  const signIn = (user: StoryblokUser) => signInAs(context, 'storyblok', user);

  it('signs in as the user id of /v1/user_info, named by its friendly_name, no e-mail; read_content write_content asked with PKCE, the client in the form with the verifier, a token with a refresh token', async () => {
    const { database, emulator: storyblok, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('read_content write_content');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('150101');
    expect(JSON.parse(account.claims)).toEqual({ id: '150101', name: 'Ada Lovelace' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'storyblok');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'read_content write_content' });
    expectAccessTokenLifetime(token, STORYBLOK_ACCESS_TOKEN_SECONDS - 100, STORYBLOK_ACCESS_TOKEN_SECONDS);
    const exchange = storyblok.server.requests.findLast((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = storyblok.tokenForms.at(-1)!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(form.get('code_verifier')).toMatch(/^[A-Za-z0-9_~.-]{43,128}$/);
    expect(storyblok.server.requests.findLast((r) => r.path === '/v1/user_info')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again, from another space or after a new friendly name, finds the same person by the user id', async () => {
    const first = await signIn(person(105, 'Grace Hopper'));
    const second = await signIn(person(105, 'Admiral Hopper'));
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls the Management API; 20 concurrent calls on an expired token make one refresh, with the client in the form, whose new refresh token is kept', async () => {
    const { emulator: storyblok } = context;
    const { browser, userId } = await signIn(person(102, 'Alan Turing'));
    const first = await stories(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ stories: [{ slug: 'home' }] });
    const { after } = await expectRotatedAfterStorm(context, 'storyblok', userId, () => stories(browser));
    expect(after.scope).toBe('read_content write_content');
    expectAccessTokenLifetime(after, STORYBLOK_ACCESS_TOKEN_SECONDS - 100, STORYBLOK_ACCESS_TOKEN_SECONDS);
    const refresh = storyblok.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe(CLIENT_ID);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    const refreshed = await refreshAtProvider(`${storyblok.origin}/oauth/token`, CLIENT, after.refreshToken!, { by: 'form' });
    expect(await refreshed.json()).toMatchObject({ token_type: 'bearer', expires_in: STORYBLOK_ACCESS_TOKEN_SECONDS, refresh_token: expect.any(String) });
  });

  it('an API call with a token Storyblok does not take is a 401', async () => {
    const { emulator: storyblok } = context;
    const response = await fetch(`${storyblok.origin}/v1/user_info`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
  });

  it("the plugin's access removed marks the connection 'needs re-auth' after one refresh Storyblok refuses", async () => {
    const { emulator: storyblok } = context;
    const leaving = person(103, 'Barbara Liskov');
    const { browser, userId } = await signIn(leaving);
    storyblok.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'storyblok', userId, () => stories(browser));
  });

  it('disconnect asks Storyblok nothing (it documents no revocation) and forgets the tokens, which Storyblok still takes', async () => {
    const { emulator: storyblok, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'storyblok'))!;
    await expectDisconnectAsksNothing(context, 'storyblok', { browser, userId });
    expect(storyblok.accepts(stored.accessToken)).toBe(true);
  });

  it('/v1/user_info failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, STORYBLOK, person(110, 'Outage Profile'), (storyblok) => storyblok.failNextProfile(500));
  });

  standardCases(() => context, STORYBLOK, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(STORYBLOK, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Storyblok in production', () => {
  it('with the client alone, signs in at app.storyblok.com, reads mapi.storyblok.com/v1/user_info and calls the Management API there, asking read_content write_content with the client in the form', () => {
    const { settings } = presetInProduction('storyblok', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Storyblok',
      endpoints: {
        authorizationEndpoint: 'https://app.storyblok.com/oauth/authorize',
        tokenEndpoint: 'https://app.storyblok.com/oauth/token',
        userinfoEndpoint: 'https://mapi.storyblok.com/v1/user_info',
      },
      scope: 'read_content write_content',
      apiBaseUrl: 'https://mapi.storyblok.com/v1',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
