import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { ALIBABA_CLOUD_ACCESS_TOKEN_SECONDS, startAlibabaCloudEmulator, type AlibabaCloudEmulator, type AlibabaCloudUser } from './alibaba_cloud.emulator.js';
import { openIdCases } from './kit/openid-cases.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An application ID and secret of the form the RAM console shows for a web application.
const CLIENT_ID = '4567890123456789012';
const CLIENT_SECRET = 'Kq3vT8nW2xR6bJ9mF4hL1sD5gA0eUp7ZcY3oN8iQ2wE6rT1yU5aS9dF4gH0jK7lP';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/alibaba_cloud/callback`;
const SCOPE = 'openid aliuid profile';
const ACCOUNT_UID = '1234567890123456';

/** An Alibaba Cloud account signing in as itself (`ramUser` false) or one of its RAM users. */
function person(n: number, name: string, logon: string, ramUser = true): AlibabaCloudUser {
  const uid = ramUser ? `2${String(n).padStart(15, '0')}` : `1${String(n).padStart(15, '0')}`;
  return { sub: `${uid.slice(0, 4)}${String(n).padStart(12, '7')}`, uid, aid: ramUser ? ACCOUNT_UID : uid, name, logonName: ramUser ? `${logon}@acme.onaliyun.com` : `${logon}@example.com`, ramUser };
}

/** Only the documented variables: the preset, the client, and the issuer, the user info and the API base on the emulator. */
function alibabaEnv(alibaba: AlibabaCloudEmulator): Record<string, string> {
  return presetEnv('alibaba_cloud', CLIENT_ID, CLIENT_SECRET, {
    ALIBABA_CLOUD_ISSUER: alibaba.issuer,
    ALIBABA_CLOUD_USERINFO_URL: `${alibaba.origin}/v1/userinfo`,
    ALIBABA_CLOUD_API_BASE_URL: `${alibaba.origin}/v1`,
  });
}

/** A refresh at Alibaba Cloud itself, the client in the form. */
function refreshAtAlibaba(alibaba: AlibabaCloudEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${alibaba.origin}/v1/token`, CLIENT, refreshToken, { by: 'form' });
}

const ALIBABA_CLOUD: StandardProvider<AlibabaCloudUser, AlibabaCloudEmulator> = {
  preset: 'alibaba_cloud',
  displayName: 'Alibaba Cloud',
  startEmulator: () => startAlibabaCloudEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: alibabaEnv,
  people: {
    cancelled: person(108, 'Changed Mind', 'changed'),
    'refused-code': person(109, 'Refused Code', 'refused'),
    'wrong-secret': person(301, 'Wrong Secret', 'wrong'),
    'exchange-failure': person(302, 'Outage Person', 'outage'),
  },
  subjectOf: (user) => user.sub,
};

describeEachDialect('Alibaba Cloud, against an emulator of its OAuth service', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ALIBABA_CLOUD);

  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/alibaba_cloud/proxy/userinfo`);
  const openId = openIdCases(context, ALIBABA_CLOUD, userinfo);

  it("signs a RAM user in through discovery as the ID token's sub, named by name with the upn as username (its @ stored as -, as every username here); openid aliuid profile, access_type=offline and PKCE, the client in the form, a one-hour token with a refresh token", async () => {
    const { emulator: alibaba, database } = context;
    const ada = person(101, 'Ada Lovelace', 'ada');
    const { request, userId } = await openId.expectSignIn(ada, {
      scope: SCOPE,
      account: { issuer: alibaba.issuer, subject: ada.sub },
      user: { name: 'Ada Lovelace', username: 'ada-acme.onaliyun.com', email: null, emailVerified: false },
      token: { lifetime: ALIBABA_CLOUD_ACCESS_TOKEN_SECONDS },
    });
    expect(request.get('access_type')).toBe('offline');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    const account = await database.db.selectFrom('accounts').select('claims').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(JSON.parse(account.claims)).toMatchObject({ sub: ada.sub, uid: ada.uid, aid: ACCOUNT_UID });
    const exchange = alibaba.server.requests.find((r) => r.path === '/v1/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
  });

  it("an Alibaba Cloud account signing in as itself is named by its login_name, its uid its own aid", async () => {
    const { database } = context;
    const owner = person(102, 'Grace Hopper', 'grace', false);
    const { userId } = await openId.expectSignIn(owner, {
      scope: SCOPE,
      account: { issuer: context.emulator.issuer, subject: owner.sub },
      user: { name: 'Grace Hopper', username: 'grace-example.com', emailVerified: false },
      token: { lifetime: ALIBABA_CLOUD_ACCESS_TOKEN_SECONDS },
    });
    const account = await database.db.selectFrom('accounts').select('claims').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(JSON.parse(account.claims)).toMatchObject({ uid: owner.uid, aid: owner.uid });
  });

  it('signing in again finds the same account by the sub', async () => {
    await openId.expectSameAccountOnReturn(person(110, 'Returning Person', 'returning'));
  });

  it('the proxy reaches /v1/userinfo with the token', async () => {
    const alan = person(103, 'Alan Turing', 'alan');
    await openId.expectProxyReaches(alan, { sub: alan.sub, upn: 'alan@acme.onaliyun.com', aid: ACCOUNT_UID });
  });

  it('20 concurrent calls on an expired token make one refresh, with the client in the form; the answer has no refresh token, so the one kept still works', async () => {
    const { emulator: alibaba } = context;
    const { after } = await openId.expectKeptAfterStorm(person(104, 'Edsger Dijkstra', 'edsger'));
    const refresh = alibaba.server.requests.filter((r) => r.path === '/v1/token').at(-1)!;
    expect(refresh.headers.authorization).toBeUndefined();
    const again = await refreshAtAlibaba(alibaba, after.refreshToken!);
    expect(again.status).toBe(200);
    expect(Object.keys((await again.json()) as Record<string, unknown>).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
  });

  it("the application's authorization removed: the refresh is refused, and the connection needs re-auth after one try", async () => {
    await openId.expectNeedsReauthOnceEnded(person(105, 'Barbara Liskov', 'barbara'), (leaving) => context.emulator.removeAuthorization(leaving));
  });

  it('disconnect revokes at /v1/revoke, which discovery names, with the client in the form: the refresh token and the access token stop working', async () => {
    const { emulator: alibaba } = context;
    const stored = await openId.expectDisconnectRevokesBoth(person(106, 'Donald Knuth', 'donald'), (refreshToken) => refreshAtAlibaba(alibaba, refreshToken));
    expect(alibaba.revocations.map((form) => form.token)).toContain(stored.refreshToken);
    for (const form of alibaba.revocations) expect(form).toMatchObject({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
  });

  it('a token request without the client secret in the form is refused (401 invalid_client)', async () => {
    const { emulator: alibaba } = context;
    const bare = await fetch(`${alibaba.origin}/v1/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'rt_unknown', client_id: CLIENT_ID }) });
    expect(bare.status).toBe(401);
    expect(await bare.json()).toEqual({ error: 'invalid_client' });
  });

  standardCases(() => context, ALIBABA_CLOUD, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(ALIBABA_CLOUD, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the alibaba_cloud preset in production', () => {
  it('with the client alone, discovers https://oauth.aliyun.com and reads /v1/userinfo there, asking openid aliuid profile offline with the client in the form', () => {
    const { settings } = presetInProduction('alibaba_cloud', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Alibaba Cloud',
      discovery: { issuer: 'https://oauth.aliyun.com' },
      metadataOverrides: { userinfoEndpoint: 'https://oauth.aliyun.com/v1/userinfo' },
      scope: SCOPE,
      authorizationParams: { access_type: 'offline' },
      apiBaseUrl: 'https://oauth.aliyun.com/v1',
      tokenEndpointAuthMethod: 'client_secret_post',
    });
  });

  it("the international site's issuer set in its place", () => {
    const { settings } = presetInProduction('alibaba_cloud', CLIENT);
    expect(settings({ ALIBABA_CLOUD_ISSUER: 'https://oauth.alibabacloud.com' })).toMatchObject({ discovery: { issuer: 'https://oauth.alibabacloud.com' } });
  });
});
