import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startPatreonEmulator, type PatreonEmulator, type PatreonUser } from './patreon.emulator.js';

// A client id and secret of the length Patreon's developer portal gives them.
const CLIENT_ID = 'pTn4Xq8Lr2Vw6Zy0Bc3Df5Gh7Jk9Mn1Ps4Rt6Uv8Wx0Yz2Ab4Cd6Ef8Gh0Ij2Kl';
const CLIENT_SECRET = 'Sx7Ya3Zb9Wc5Vd1Ue6Tf2Rg8Qh4Pi0Oj7Nk3Ml9Lm5Kn1Jo6Ip2Hq8Gr4Fs0Et7Du';
const REDIRECT_URI = `${APP_ORIGIN}/auth/patreon/callback`;

function person(id: number, fullName: string, verified = true): PatreonUser {
  return { id: String(80_000_000 + id), full_name: fullName, email: `${fullName.split(' ')[0]!.toLowerCase()}@patrons.test`, is_email_verified: verified };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (/identity moves with the API base). */
function patreonEnv(patreon: PatreonEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('patreon', CLIENT_ID, CLIENT_SECRET, {
    PATREON_AUTHORIZE_URL: `${patreon.origin}/oauth2/authorize`,
    PATREON_ACCESS_TOKEN_URL: `${patreon.origin}/api/oauth2/token`,
    PATREON_API_BASE_URL: `${patreon.origin}/api/oauth2/v2`,
    ...extra,
  });
}

/** A refresh at Patreon itself, as another copy of the token would make it. */
function refreshAtPatreon(patreon: PatreonEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${patreon.origin}/api/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const PATREON: StandardProvider<PatreonUser, PatreonEmulator> = {
  preset: 'patreon',
  displayName: 'Patreon',
  startEmulator: () => startPatreonEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: patreonEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Patreon, against an emulator of Patreon', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), PATREON);

  const signIn = (user: PatreonUser) => signInAs(context, 'patreon', user);

  it('signs in as the data.id of /identity with its full_name, e-mail and is_email_verified; identity identity[email], the client in the form, month-long tokens and a refresh token', async () => {
    const { database, emulator: patreon, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('identity identity[email]');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.id, full_name: 'Ada Lovelace', is_email_verified: true });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect({ ...user, email_verified: Boolean(user.email_verified) }).toEqual({ email: 'ada@patrons.test', email_verified: true, name: 'Ada Lovelace' });
    const token = await app.runtime.tokenStore.findToken(userId, 'patreon');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'identity identity[email]' });
    expectAccessTokenLifetime(token, 2_678_000, 2_678_400);
    // No Basic header: the client authenticated with the form, the only way the emulator takes it.
    expect(patreon.server.requests.find((r) => r.path === '/api/oauth2/token')!.headers.authorization).toBeUndefined();
    const identity = patreon.server.requests.filter((r) => r.path.startsWith('/api/oauth2/v2/identity')).at(-1)!;
    expect(new URL(identity.path, patreon.origin).searchParams.get('fields[user]')).toBe('email,full_name,is_email_verified');
    expect(identity.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('keeps an e-mail Patreon says is not confirmed as unverified', async () => {
    const { database } = context;
    const { userId } = await signIn(person(107, 'Unconfirmed Person', false));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    // Known to be unconfirmed, not unknown (null).
    expect(user.email_verified).not.toBeNull();
    expect({ ...user, email_verified: Boolean(user.email_verified) }).toEqual({ email: 'unconfirmed@patrons.test', email_verified: false });
  });

  it('the proxy calls the API, where identity is a 403 for campaigns; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and Patreon refuses the used one', async () => {
    const { emulator: patreon } = context;
    const { browser, userId } = await signIn(person(102, 'Grace Hopper'));
    const first = await browser.get(`${APP_ORIGIN}/api/providers/patreon/proxy/identity?fields%5Buser%5D=full_name`);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ data: { type: 'user', attributes: { full_name: 'Grace Hopper' } } });
    const outside = await browser.get(`${APP_ORIGIN}/api/providers/patreon/proxy/campaigns`);
    expect(outside.status).toBe(403);

    const { before } = await expectRotatedAfterStorm(context, 'patreon', userId, () => browser.get(`${APP_ORIGIN}/api/providers/patreon/proxy/identity`));
    expect(await statusAndBody(refreshAtPatreon(patreon, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("an app removed in Patreon's settings marks the connection 'needs re-auth' after one refresh Patreon refuses", async () => {
    const { emulator: patreon, app } = context;
    const removed = person(103, 'Barbara Liskov');
    const { browser, userId } = await signIn(removed);
    patreon.removeApp(removed.id);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: patreon }, 'patreon', userId, () => browser.get(`${APP_ORIGIN}/api/providers/patreon/proxy/identity`));
  });

  it('disconnect deletes the tokens here and asks Patreon nothing: it documents no revocation', async () => {
    const { emulator: patreon, app } = context;
    const { browser, userId } = await signIn(person(104, 'Leaving Person'));
    await expectDisconnectAsksNothing(context, 'patreon', { browser, userId });
  });

  it('/identity failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, PATREON, person(106, 'Outage Profile'), (patreon) => patreon.failNextIdentity(500));
  });

  standardCases(() => context, PATREON, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Patreon without identity[email]', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: PATREON.startEmulator, env: (patreon) => patreonEnv(patreon, { PATREON_SCOPE: 'identity' }) });

  it('signs in as the data.id with no e-mail, which /identity leaves out without the scope', async () => {
    const { database, emulator: patreon, app } = context;
    const noEmail = person(201, 'Private Person');
    patreon.signInAs(noEmail);
    const page = await signInThrough(app.browser(), 'patreon');
    expect(page.status).toBe(200);
    const { user_id: userId } = await database.db.selectFrom('accounts').select('user_id').where('provider', '=', 'patreon').where('subject', '=', noEmail.id).executeTakeFirstOrThrow();
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: 'Private Person' });
  });
});

describeClientFailures(PATREON, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
