import { createHmac } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { startFacebookEmulator, VERSION, type FacebookEmulator, type FacebookUser } from './facebook.emulator.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

const CLIENT_ID = '1234567890123456';
const CLIENT_SECRET = 'facebook-app-secret';
const REDIRECT_URI = `${APP_ORIGIN}/auth/facebook/callback`;

function person(id: string, name: string, email: string | null = `${id}@facebook.test`): FacebookUser {
  return { id, name, email };
}

/** Only the documented variables: the preset, the client, and the versioned endpoints pointed at the emulator. */
function facebookEnv(facebook: FacebookEmulator): Record<string, string> {
  return presetEnv('facebook', CLIENT_ID, CLIENT_SECRET, {
    FACEBOOK_AUTHORIZE_URL: `${facebook.origin}/${VERSION}/dialog/oauth`,
    FACEBOOK_ACCESS_TOKEN_URL: `${facebook.origin}/${VERSION}/oauth/access_token`,
    // The profile call and disconnect follow the API base.
    FACEBOOK_API_BASE_URL: `${facebook.origin}/${VERSION}`,
  });
}

const proofOf = (accessToken: string) => createHmac('sha256', CLIENT_SECRET).update(accessToken).digest('hex');

const FACEBOOK: StandardProvider<FacebookUser, FacebookEmulator> = {
  preset: 'facebook',
  displayName: 'Facebook',
  startEmulator: () => startFacebookEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: facebookEnv,
  people: {
    cancelled: person('10158456789012353', 'Changed Mind'),
    'refused-code': person('10158456789012352', 'Refused'),
    'wrong-secret': person('900', 'Wrong Secret'),
    'exchange-failure': person('901', 'Outage'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Facebook, against an emulator of Facebook that requires appsecret_proof', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => startFacebookEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, requireAppSecretProof: true }), env: facebookEnv });

  const signIn = (user: FacebookUser) => signInAs(context, 'facebook', user);

  const meCalls = () => context.emulator.server.requests.filter((r) => r.path.startsWith(`/${VERSION}/me?`));

  it('signs in as the app-scoped id, with the name and an unverified e-mail, a 60-day token and no refresh token; /me carried the proof', async () => {
    const { database, emulator: facebook, app } = context;
    const { userId, request } = await signIn(person('10158456789012345', 'Mark Example'));
    expect(request.get('scope')).toBe('public_profile email');
    expect(request.get('response_type')).toBe('code');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('10158456789012345');
    expect(JSON.parse(account.claims)).toMatchObject({ email_verified: false });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Mark Example', email: '10158456789012345@facebook.test' });
    const token = await app.runtime.tokenStore.findToken(userId, 'facebook');
    expect(token!.refreshToken).toBeNull();
    expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(5_180_000);
    const me = new URL(meCalls().at(-1)!.path, facebook.origin).searchParams;
    expect(me.get('fields')).toBe('id,name,email');
    expect(me.get('appsecret_proof')).toBe(proofOf(token!.accessToken));
  });

  it('a person Facebook has no e-mail for signs in without one', async () => {
    const { database } = context;
    const { userId } = await signIn(person('10158456789012346', 'No Mail', null));
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'No Mail', email: null });
  });

  it("the proxy and the library's fetch send the token's appsecret_proof on every call, in place of a caller's own", async () => {
    const { emulator: facebook, app } = context;
    const { browser, userId } = await signIn(person('10158456789012347', 'Proxy User'));
    const token = await app.runtime.tokenStore.findToken(userId, 'facebook');
    const viaProxy = await browser.get(`${APP_ORIGIN}/api/providers/facebook/proxy/me/permissions?limit=5&appsecret_proof=forged`);
    expect(viaProxy.status).toBe(200);
    expect(JSON.parse(viaProxy.text)).toMatchObject({ data: [{ permission: 'public_profile', status: 'granted' }, { permission: 'email', status: 'granted' }] });
    const sent = new URL(facebook.server.requests.at(-1)!.path, facebook.origin).searchParams;
    expect(sent.getAll('appsecret_proof')).toEqual([proofOf(token!.accessToken)]);
    expect(sent.get('limit')).toBe('5');
    const viaLibrary = await app.runtime.providerApi.fetch(userId, 'facebook', '/me?fields=id');
    expect(viaLibrary.status).toBe(200);
    expect(await viaLibrary.json()).toEqual({ id: '10158456789012347' });
  });

  it('a token past its 60 days is needs_reauth at once: nothing to refresh with, no call to Facebook', async () => {
    const { database, emulator: facebook } = context;
    const { browser, userId } = await signIn(person('10158456789012348', 'Expired'));
    await expireAccessTokens(database, userId);
    const before = facebook.server.requests.length;
    const call = await browser.get(`${APP_ORIGIN}/api/providers/facebook/proxy/me`);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(facebook.server.requests.length).toBe(before);
  });

  it('a token Facebook ended early (OAuthException 190, sent with HTTP 400) marks the connection needs_reauth at the first refusal: no token request, and no Graph call after it', async () => {
    const { emulator: facebook, app } = context;
    const { browser, userId } = await signIn(person('10158456789012349', 'Password Changed'));
    facebook.invalidate((await app.runtime.tokenStore.findToken(userId, 'facebook'))!.accessToken);
    const tokenRequests = facebook.server.counts.token_request ?? 0;
    const graphCalls = meCalls().length;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const call = await browser.get(`${APP_ORIGIN}/api/providers/facebook/proxy/me?fields=id`);
      expect(call.status).toBe(401);
      expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    }
    expect(meCalls().length).toBe(graphCalls + 1);
    expect(facebook.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect((await app.runtime.tokenStore.findToken(userId, 'facebook'))!.status).toBe('needs_reauth');
  });

  it('disconnect removes the permissions at Facebook (DELETE /me/permissions with the proof): the token ends', async () => {
    const { emulator: facebook, app } = context;
    const { browser, userId } = await signIn(person('10158456789012350', 'Leaving'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'facebook');
    expect(await disconnectThrough(browser, 'facebook')).toEqual({ disconnected: true, revokedAtProvider: true });
    const removal = facebook.server.requests.filter((r) => r.method === 'DELETE').at(-1)!;
    expect(new URL(removal.path, facebook.origin).searchParams.get('appsecret_proof')).toBe(proofOf(stored!.accessToken));
    expect(facebook.accepts(stored!.accessToken)).toBe(false);
    expect(await app.runtime.tokenStore.findToken(userId, 'facebook')).toBeUndefined();
  });

  it('disconnecting a connection whose token Facebook already ended still succeeds, as already revoked', async () => {
    const { emulator: facebook, app } = context;
    const { browser, userId } = await signIn(person('10158456789012351', 'Removed App'));
    facebook.invalidate((await app.runtime.tokenStore.findToken(userId, 'facebook'))!.accessToken);
    expect(await disconnectThrough(browser, 'facebook')).toEqual({ disconnected: true, revokedAtProvider: true });
  });

  standardCases(() => context, FACEBOOK, { cancelled: {}, refusedCode: { sentAs: 'OAuthException 100' } });
});

describeClientFailures(FACEBOOK, { wrongSecret: { sentAs: 'OAuthException "Error validating client secret"' }, exchangeFailure: {} });
