import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startSoundCloudEmulator, type SoundCloudEmulator, type SoundCloudUser } from './soundcloud.emulator.js';

// A 32-character client id and secret, as SoundCloud's app registration gives them.
const CLIENT_ID = 'Qn7xZk2LpR4vT9wYb3Hc6Jd8Fg1Ms5Na';
const CLIENT_SECRET = 'u8Kp3Wq6Zr9Tx2Vb5Ny7Lc4Md1Gf0Hs';
const REDIRECT_URI = `${APP_ORIGIN}/auth/soundcloud/callback`;

function person(id: number, fullName: string): SoundCloudUser {
  return { id: 250_000_000 + id, username: fullName.split(' ')[0]!.toLowerCase(), full_name: fullName };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (/me moves with the API base). */
function soundcloudEnv(soundcloud: SoundCloudEmulator): Record<string, string> {
  return presetEnv('soundcloud', CLIENT_ID, CLIENT_SECRET, {
    SOUNDCLOUD_AUTHORIZE_URL: `${soundcloud.origin}/authorize`,
    SOUNDCLOUD_ACCESS_TOKEN_URL: `${soundcloud.origin}/oauth/token`,
    SOUNDCLOUD_API_BASE_URL: soundcloud.origin,
  });
}

/** A refresh at SoundCloud itself, as another copy of the token would make it. */
function refreshAtSoundCloud(soundcloud: SoundCloudEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${soundcloud.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const SOUNDCLOUD: StandardProvider<SoundCloudUser, SoundCloudEmulator> = {
  preset: 'soundcloud',
  displayName: 'SoundCloud',
  startEmulator: () => startSoundCloudEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: soundcloudEnv,
  people: standardPeople(person),
  subjectOf: (user) => `soundcloud:users:${user.id}`,
};

describeEachDialect('SoundCloud, against an emulator of SoundCloud', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SOUNDCLOUD);

  const signIn = (user: SoundCloudUser) => signInAs(context, 'soundcloud', user);

  it('signs in as the urn of /me with its username and no e-mail; PKCE S256 and no scope, the client in the form, 1-hour tokens and a refresh token', async () => {
    const { database, emulator: soundcloud, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('scope') ?? '').toBe('');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(`soundcloud:users:${ada.id}`);
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.id, username: 'ada', full_name: 'Ada Lovelace' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: 'ada' });
    const token = await app.runtime.tokenStore.findToken(userId, 'soundcloud');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 3_500, 3_600);
    const exchange = soundcloud.server.requests.find((r) => r.path === '/oauth/token')!;
    // No Basic header: the client authenticated with the form, which the emulator checks as it checks the PKCE verifier.
    expect(exchange.headers.authorization).toBeUndefined();
    expect(soundcloud.server.requests.filter((r) => r.path === '/me').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the API; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and SoundCloud refuses the used one', async () => {
    const { emulator: soundcloud } = context;
    const { browser, userId } = await signIn(person(102, 'Grace Hopper'));
    const first = await browser.get(`${APP_ORIGIN}/api/providers/soundcloud/proxy/me/tracks`);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject([{ title: 'Grace Hopper – First Demo' }]);

    const { before } = await expectRotatedAfterStorm(context, 'soundcloud', userId, () => browser.get(`${APP_ORIGIN}/api/providers/soundcloud/proxy/me/tracks`));
    expect(await statusAndBody(refreshAtSoundCloud(soundcloud, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("an app removed in SoundCloud's settings marks the connection 'needs re-auth' after one refresh SoundCloud refuses", async () => {
    const { emulator: soundcloud, app } = context;
    const removed = person(103, 'Barbara Liskov');
    const { browser, userId } = await signIn(removed);
    soundcloud.removeApp(removed.id);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: soundcloud }, 'soundcloud', userId, () => browser.get(`${APP_ORIGIN}/api/providers/soundcloud/proxy/me/tracks`));
  });

  it('disconnect deletes the tokens here and asks SoundCloud nothing: it documents no revocation', async () => {
    const { emulator: soundcloud, app } = context;
    const { browser, userId } = await signIn(person(104, 'Leaving Person'));
    await expectDisconnectAsksNothing(context, 'soundcloud', { browser, userId });
  });

  it('/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, SOUNDCLOUD, person(106, 'Outage Profile'), (soundcloud) => soundcloud.failNextMe(500));
  });

  standardCases(() => context, SOUNDCLOUD, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(SOUNDCLOUD, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
