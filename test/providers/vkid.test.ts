import { describe, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { DIALECTS, describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startVkIdEmulator, VKID_ACCESS_TOKEN_SECONDS, type VkIdEmulator, type VkIdUser } from './vkid.emulator.js';

// A VK ID app's ID: a number. VK ID issues no client secret for this flow.
const CLIENT_ID = '53102741';
const REDIRECT_URI = `${APP_ORIGIN}/auth/vkid/callback`;

function person(id: number, firstName: string, lastName: string): VkIdUser {
  return { id: 800_000_000 + id, firstName, lastName, email: `${firstName.toLowerCase()}@mail.test` };
}

/** Only the documented variables: the preset, the client id (no secret), and the endpoints and API base pointed at the emulator. */
function vkidEnv(vkid: VkIdEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'vkid',
    VKID_PRESET: 'vkid',
    VKID_CLIENT_ID: CLIENT_ID,
    VKID_AUTHORIZE_URL: `${vkid.origin}/authorize`,
    VKID_ACCESS_TOKEN_URL: `${vkid.origin}/oauth2/auth`,
    VKID_USERINFO_URL: `${vkid.origin}/oauth2/user_info`,
    VKID_REVOCATION_URL: `${vkid.origin}/oauth2/logout`,
    VKID_API_BASE_URL: `${vkid.origin}/method`,
  };
}

const VKID: StandardProvider<VkIdUser, VkIdEmulator> = {
  preset: 'vkid',
  displayName: 'VK ID',
  startEmulator: () => startVkIdEmulator({ clientId: CLIENT_ID, redirectUri: REDIRECT_URI }),
  env: vkidEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => String(user.id),
};

/** A refresh at VK ID as its web SDK makes one: the client id, the connection's device_id and a state, no secret. */
function refreshAtVkId(vkid: VkIdEmulator, refreshToken: string, deviceId: string): Promise<Response> {
  const form = { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID, device_id: deviceId, state: 's'.repeat(43) };
  return fetch(`${vkid.origin}/oauth2/auth`, { method: 'POST', body: new URLSearchParams(form) });
}

const usersGet = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/vkid/proxy/users.get?v=5.199`);

describeEachDialect('VK ID, against an emulator of VK ID and the VK API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), VKID);

  const signIn = (user: VkIdUser) => signInAs(context, 'vkid', user);

  it("signs in as user_info's user_id, with the name and an e-mail of unknown verification; PKCE S256, no client secret, the callback's device_id and the state sent with the code, an hour's token with a refresh token", async () => {
    const { database, emulator: vkid, app } = context;
    const ada = person(1, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('vkid.personal_info email');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(String(ada.id));
    expect(JSON.parse(account.claims)).toMatchObject({ user_id: String(ada.id), name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@mail.test' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@mail.test', name: 'Ada Lovelace' });
    expect(user.email_verified).toBeNull();
    const token = await app.runtime.tokenStore.findToken(userId, 'vkid');
    expect(token).toMatchObject({ refreshToken: expect.any(String), idToken: null, callbackParameters: { device_id: vkid.deviceIds.at(-1) } });
    expectAccessTokenLifetime(token, VKID_ACCESS_TOKEN_SECONDS - 100, VKID_ACCESS_TOKEN_SECONDS);
    const exchange = vkid.tokenForms.at(-1)!;
    expect(Object.fromEntries(exchange)).toMatchObject({ grant_type: 'authorization_code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, device_id: vkid.deviceIds.at(-1), state: request.get('state') });
    expect(exchange.get('code_verifier')).toMatch(/^[\w-]{43,128}$/);
    expect(exchange.has('client_secret')).toBe(false);
    expect(vkid.server.requests.findLast((r) => r.path === '/oauth2/user_info')!.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(vkid.profileForms.at(-1)!)).toEqual({ client_id: CLIENT_ID, access_token: token!.accessToken });
  });

  it("the proxy calls the VK API with the token as access_token; 20 concurrent calls on an expired token make one refresh with that sign-in's device_id and a new state, whose new refresh token is kept and the spent one refused", async () => {
    const { emulator: vkid } = context;
    const grace = person(2, 'Grace', 'Hopper');
    const { browser, userId } = await signIn(grace);
    const deviceId = vkid.deviceIds.at(-1)!;
    const signInState = vkid.tokenForms.at(-1)!.get('state');
    // Another person on another device: each connection keeps its own.
    await signIn(person(3, 'Other', 'Device'));
    const first = await usersGet(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual({ response: [expect.objectContaining({ id: grace.id, first_name: 'Grace' })] });
    expect(vkid.server.requests.findLast((r) => r.path.startsWith('/method/users.get?'))!.headers.authorization).toBeUndefined();
    expect(vkid.apiQueries.at(-1)!.get('v')).toBe('5.199');
    expect(vkid.apiQueries.at(-1)!.get('access_token')).toBe((await context.app.runtime.tokenStore.findToken(userId, 'vkid'))!.accessToken);
    const { before, after } = await expectRotatedAfterStorm(context, 'vkid', userId, () => usersGet(browser));
    expectAccessTokenLifetime(after, VKID_ACCESS_TOKEN_SECONDS - 100, VKID_ACCESS_TOKEN_SECONDS);
    const refresh = vkid.tokenForms.at(-1)!;
    expect(Object.fromEntries(refresh)).toMatchObject({ grant_type: 'refresh_token', client_id: CLIENT_ID, device_id: deviceId, redirect_uri: REDIRECT_URI });
    expect(refresh.get('state')).toMatch(/^[\w-]{43}$/);
    expect(refresh.get('state')).not.toBe(signInState);
    expect(refresh.has('client_secret')).toBe(false);
    expect(after.callbackParameters).toEqual({ device_id: deviceId });
    const spent = await refreshAtVkId(vkid, before.refreshToken!, deviceId);
    expect(spent.status).toBe(400);
    expect(await spent.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('a callback without its device_id is refused (400) before the code goes to VK ID, and nothing is stored', async () => {
    const { database, emulator: vkid, app } = context;
    vkid.signInAs(person(4, 'No', 'Device'));
    const browser = app.browser();
    const start = await browser.get(`${APP_ORIGIN}/login/vkid?next=/api/me`, { followRedirects: false });
    const back = new URL((await browser.get(start.location!, { followRedirects: false })).location!);
    back.searchParams.delete('device_id');
    const tokenRequests = vkid.server.counts.token_request ?? 0;
    const refused = await browser.get(back.href);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('has no device_id');
    expect(vkid.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect(await database.db.selectFrom('accounts').select('subject').where('subject', '=', String(person(4, 'No', 'Device').id)).executeTakeFirst()).toBeUndefined();
  });

  it("a token VK ID no longer takes (error 5 with HTTP 200) after the person removed the app marks the connection 'needs re-auth' after one refused refresh", async () => {
    const { emulator: vkid } = context;
    const leaving = person(5, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(leaving);
    vkid.removeApp(leaving);
    const refused = await fetch(`${vkid.origin}/method/users.get?v=5.199&access_token=not-a-token`);
    expect(refused.status).toBe(200);
    expect(await refused.json()).toMatchObject({ error: { error_code: 5 } });
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'vkid', userId, () => usersGet(browser));
  });

  it('disconnect logs the tokens out with POST /oauth2/logout (client id and access token in the form), and VK ID takes neither token again', async () => {
    const { emulator: vkid } = context;
    const { browser, userId } = await signIn(person(6, 'Goodbye', 'Person'));
    const stored = await expectDisconnectRevokes(context, 'vkid', { browser, userId }, { counter: 'logout', requests: 1 });
    expect(Object.fromEntries(vkid.logoutForms.at(-1)!)).toEqual({ client_id: CLIENT_ID, access_token: stored.accessToken });
    expect(vkid.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtVkId(vkid, stored.refreshToken!, stored.callbackParameters!.device_id!)).status).toBe(400);
  });

  it('/oauth2/user_info failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, VKID, person(10, 'Outage', 'Profile'), (vkid) => vkid.failNextProfile(500));
  });

  standardCases(() => context, VKID, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

// No wrong-secret case: VK ID takes no client secret, and one set anyway stops start-up.
describe('VK ID failing the code exchange', () => {
  const context = useProviderTest(() => DIALECTS[0]!.openTestDatabase(), VKID);
  standardCases(() => context, VKID, { exchangeFailure: {} }, { emptyDatabase: true });
});

describe('VK ID in production', () => {
  it('with the client id alone, signs in at id.vk.com as a public client, reads oauth2/user_info, logs out at oauth2/logout and calls api.vk.com/method', () => {
    expect(providerSettings({ VKID_PRESET: 'vkid', VKID_CLIENT_ID: CLIENT_ID }, 'vkid', true)).toMatchObject({
      displayName: 'VK ID',
      endpoints: {
        authorizationEndpoint: 'https://id.vk.com/authorize',
        tokenEndpoint: 'https://id.vk.com/oauth2/auth',
        userinfoEndpoint: 'https://id.vk.com/oauth2/user_info',
        revocationEndpoint: 'https://id.vk.com/oauth2/logout',
      },
      scope: 'vkid.personal_info email',
      apiBaseUrl: 'https://api.vk.com/method',
      tokenEndpointAuthMethod: 'none',
      callbackParametersResent: ['device_id'],
      userinfoTokenInForm: true,
      accessTokenParameter: 'access_token',
      subjectClaim: 'user_id',
    });
  });
});
