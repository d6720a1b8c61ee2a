import { describe, expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { HUAWEI_ACCESS_TOKEN_SECONDS, HUAWEI_ISSUER, startHuaweiEmulator, type HuaweiEmulator, type HuaweiUser } from './huawei.emulator.js';

// An APP ID (digits) and an APP SECRET (64 hex digits) of the kind HUAWEI Developers gives a server app.
const CLIENT_ID = '107408391';
const CLIENT_SECRET = '3f1c2d4e5b6978012345678abcdef903f1c2d4e5b6978012345678abcdef9012';
const REDIRECT_URI = `${APP_ORIGIN}/auth/huawei/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, nickname: string): HuaweiUser {
  const digits = String(id).padStart(4, '0');
  return { unionId: `MDFAMTAwMDAwMDAwMDAwMDAw${digits}`, openId: `MDFAMTA3NDA4MzkxQDAwMDAw${digits}`, nickname };
}

/** Only the documented variables: the preset, the client, and the endpoints and keys pointed at the emulator (the issuer stays Huawei's). */
function huaweiEnv(huawei: HuaweiEmulator): Record<string, string> {
  return presetEnv('huawei', CLIENT_ID, CLIENT_SECRET, {
    HUAWEI_AUTHORIZE_URL: `${huawei.origin}/oauth2/v3/authorize`,
    HUAWEI_ACCESS_TOKEN_URL: `${huawei.origin}/oauth2/v3/token`,
    HUAWEI_JWKS_URL: `${huawei.origin}/oauth2/v3/certs`,
  });
}

const HUAWEI: StandardProvider<HuaweiUser, HuaweiEmulator> = {
  preset: 'huawei',
  displayName: 'HUAWEI ID',
  startEmulator: () => startHuaweiEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: huaweiEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.unionId,
};

describeEachDialect('HUAWEI ID, against an emulator of Huawei Account Kit', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), HUAWEI);
  const signIn = (user: HuaweiUser) => signInAs(context, 'huawei', user);

  it("signs in as the ID token's sub (the UnionID, issuer accounts.huawei.com), named by display_name; openid profile with access_type=offline, no PKCE, no nonce, the client in the form, an hour's token with a refresh token", async () => {
    const { database, emulator: huawei, app } = context;
    const ada = person(101, 'Ada');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('openid profile');
    expect(request.get('access_type')).toBe('offline');
    expect(request.get('response_type')).toBe('code');
    expect(request.has('code_challenge')).toBe(false);
    expect(request.has('nonce')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: HUAWEI_ISSUER, subject: ada.unionId });
    expect(JSON.parse(account.claims)).toMatchObject({ iss: HUAWEI_ISSUER, sub: ada.unionId, openid: ada.openId, aud: CLIENT_ID, azp: CLIENT_ID, display_name: 'Ada', nickname: 'Ada' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: 'Ada' });
    const token = await app.runtime.tokenStore.findToken(userId, 'huawei');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'openid profile' });
    expectAccessTokenLifetime(token, HUAWEI_ACCESS_TOKEN_SECONDS - 100, HUAWEI_ACCESS_TOKEN_SECONDS);
    const exchange = huawei.server.requests.find((r) => r.path === '/oauth2/v3/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const form = huawei.tokenForms.at(-1)!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
  });

  it('20 concurrent requests for an expired token make one refresh with the client in the form; Huawei answers no new refresh token and the stored one stays, still good', async () => {
    const { database, emulator: huawei, app } = context;
    const { userId } = await signIn(person(102, 'Grace'));
    const before = (await app.runtime.tokenStore.findToken(userId, 'huawei'))!;
    await expireAccessTokens(database, userId);
    const refreshes = huawei.server.counts.refresh_token ?? 0;
    const tokens = await Promise.all(Array.from({ length: 20 }, () => app.runtime.tokens.getAccessToken(userId, 'huawei')));
    expect(new Set(tokens.map((token) => token.accessToken)).size).toBe(1);
    expect(huawei.server.counts.refresh_token).toBe(refreshes + 1);
    expect(huawei.accepts(tokens[0]!.accessToken)).toBe(true);
    const after = (await app.runtime.tokenStore.findToken(userId, 'huawei'))!;
    expect(after.refreshToken).toBe(before.refreshToken);
    expect(after.accessToken).not.toBe(before.accessToken);
    expectAccessTokenLifetime(after, HUAWEI_ACCESS_TOKEN_SECONDS - 100, HUAWEI_ACCESS_TOKEN_SECONDS);
    const refresh = huawei.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe(CLIENT_ID);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    const again = await refreshAtProvider(`${huawei.origin}/oauth2/v3/token`, CLIENT, after.refreshToken!, { by: 'form' });
    const body = (await again.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: HUAWEI_ACCESS_TOKEN_SECONDS, id_token: expect.any(String) });
    expect(body.refresh_token).toBeUndefined();
  });

  it("the app's authorization cancelled in the HUAWEI ID marks the connection 'needs re-auth' after one refresh Huawei refuses (1101/20192)", async () => {
    const { database, emulator: huawei, app } = context;
    const leaving = person(103, 'Barbara');
    const { userId } = await signIn(leaving);
    const stored = (await app.runtime.tokenStore.findToken(userId, 'huawei'))!;
    huawei.cancelAuthorization(leaving);
    expect(await statusAndBody(refreshAtProvider(`${huawei.origin}/oauth2/v3/token`, CLIENT, stored.refreshToken!, { by: 'form' }))).toEqual({
      status: 400,
      body: { sub_error: 20192, error_description: 'invalid refresh_token', error: 1101 },
    });
    await expireAccessTokens(database, userId);
    const refreshes = huawei.server.counts.refresh_token ?? 0;
    await expect(app.runtime.tokens.getAccessToken(userId, 'huawei')).rejects.toMatchObject({ code: 'needs_reauth' });
    await expect(app.runtime.tokens.getAccessToken(userId, 'huawei')).rejects.toMatchObject({ code: 'needs_reauth' });
    expect(huawei.server.counts.refresh_token).toBe(refreshes + 1);
    expect((await app.runtime.tokenStore.findToken(userId, 'huawei'))!.status).toBe('needs_reauth');
  });

  it('a code used a second time is refused as Huawei refuses it (1101/20156)', async () => {
    const { emulator: huawei } = context;
    await signIn(person(104, 'Spent'));
    const form = huawei.tokenForms.filter((f) => f.get('grant_type') === 'authorization_code').at(-1)!;
    const replay = await fetch(`${huawei.origin}/oauth2/v3/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    expect(await statusAndBody(replay)).toMatchObject({ status: 400, body: { error: 1101, sub_error: 20156 } });
  });

  it('disconnect asks Huawei nothing (no revocation endpoint is documented for web apps) and forgets the tokens', async () => {
    const { emulator: huawei, app } = context;
    const { browser, userId } = await signIn(person(105, 'Goodbye'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'huawei'))!;
    await expectDisconnectAsksNothing(context, 'huawei', { browser, userId });
    expect(huawei.accepts(stored.accessToken)).toBe(true);
  });

  standardCases(() => context, HUAWEI, { cancelled: {}, refusedCode: { sentAs: '400 1101/20152 (invalid code)' } });
});

describeClientFailures(HUAWEI, { wrongSecret: { sentAs: '400 1101/12304' }, exchangeFailure: {} });

describe('HUAWEI ID in production', () => {
  it('with the client alone, signs in at oauth-login.cloud.huawei.com, checks ID tokens from accounts.huawei.com with its keys, and names no user or API endpoint', () => {
    const { settings } = presetInProduction('huawei', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'HUAWEI ID',
      endpoints: {
        issuer: HUAWEI_ISSUER,
        authorizationEndpoint: 'https://oauth-login.cloud.huawei.com/oauth2/v3/authorize',
        tokenEndpoint: 'https://oauth-login.cloud.huawei.com/oauth2/v3/token',
        jwksUri: 'https://oauth-login.cloud.huawei.com/oauth2/v3/certs',
      },
      scope: 'openid profile',
      authorizationParams: { access_type: 'offline' },
      tokenEndpointAuthMethod: 'client_secret_post',
    });
    expect(settings({}).endpoints?.userinfoEndpoint).toBeUndefined();
  });
});
