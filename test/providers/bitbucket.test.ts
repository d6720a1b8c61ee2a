import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { startBitbucketEmulator, type BitbucketEmulator, type BitbucketUser } from './bitbucket.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

const CLIENT_ID = 'bBxKey7Q2mN4pR8sT3vW';
const CLIENT_SECRET = 'hJ9kL2mN5pQ8rS3tU6vW9xY2zA5bC8dE';
const CALLBACK_URL = `${APP_ORIGIN}/auth/bitbucket/callback`;
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

/** A person whose primary address is `<nickname>@bitbucket.test`, confirmed unless said otherwise, beside an older one. */
function person(n: number, displayName: string, primaryConfirmed = true): BitbucketUser {
  const nickname = displayName.split(' ')[0]!.toLowerCase();
  return {
    accountId: `557058:c0b72ad0-1cb5-4018-9cdc-0cde8492c4${String(n).padStart(2, '0')}`,
    uuid: `{d301aafa-d676-4ee0-88be-962be7417567-${n}}`,
    nickname,
    displayName,
    emails: [
      { email: `${nickname}.old@bitbucket.test`, isPrimary: false, isConfirmed: true },
      { email: `${nickname}@bitbucket.test`, isPrimary: true, isConfirmed: primaryConfirmed },
    ],
  };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator. */
function bitbucketEnv(bitbucket: BitbucketEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('bitbucket', CLIENT_ID, CLIENT_SECRET, {
    BITBUCKET_AUTHORIZE_URL: `${bitbucket.origin}/site/oauth2/authorize`,
    BITBUCKET_ACCESS_TOKEN_URL: `${bitbucket.origin}/site/oauth2/access_token`,
    BITBUCKET_USERINFO_URL: `${bitbucket.origin}/2.0/user`,
    BITBUCKET_API_BASE_URL: `${bitbucket.origin}/2.0`,
    ...extra,
  });
}

/** A refresh at Bitbucket itself, as another copy of the token would make it. */
function refreshAtBitbucket(bitbucket: BitbucketEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${bitbucket.origin}/site/oauth2/access_token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const BITBUCKET: StandardProvider<BitbucketUser, BitbucketEmulator> = {
  preset: 'bitbucket',
  displayName: 'Bitbucket',
  startEmulator: () => startBitbucketEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, callbackUrl: CALLBACK_URL }),
  env: bitbucketEnv,
  people: {
    cancelled: person(6, 'Changed Mind'),
    'refused-code': person(7, 'Refused Code'),
    'wrong-secret': person(9, 'Wrong Secret'),
    'exchange-failure': person(10, 'Outage Person'),
  },
  subjectOf: (user) => user.accountId,
};

describeEachDialect('Bitbucket, against an emulator of Bitbucket Cloud', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), BITBUCKET);

  const signIn = (user: BitbucketUser) => signInAs(context, 'bitbucket', user);

  it('signs in as the Atlassian account id of /2.0/user with the display name and the confirmed primary address of /2.0/user/emails; the consumer’s scopes, plain Basic credentials, 2-hour tokens', async () => {
    const { database, emulator: bitbucket, app } = context;
    const ada = person(1, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    // No scope is asked: the consumer's permissions are the scopes.
    expect(request.has('scope')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.accountId);
    expect(JSON.parse(account.claims)).toMatchObject({ uuid: ada.uuid, nickname: 'ada', display_name: 'Ada Lovelace' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect({ ...user, email_verified: Boolean(user.email_verified) }).toEqual({ name: 'Ada Lovelace', email: 'ada@bitbucket.test', email_verified: true });
    const token = await app.runtime.tokenStore.findToken(userId, 'bitbucket');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'account email repository' });
    expectAccessTokenLifetime(token, 7100, 7200);
    expect(bitbucket.server.requests.find((r) => r.path === '/site/oauth2/access_token')!.headers.authorization).toBe(basic);
  });

  it('an unconfirmed primary address is not kept, though an older confirmed one exists', async () => {
    const { database } = context;
    const { userId } = await signIn(person(2, 'Grace Hopper', false));
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Grace Hopper', email: null });
  });

  it('the proxy reaches the API; 20 concurrent calls on an expired token make one refresh, the rotated refresh token is kept, and Bitbucket refuses the old one', async () => {
    const { emulator: bitbucket } = context;
    const { browser, userId } = await signIn(person(3, 'Storm Rotating'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'bitbucket', userId, () => browser.get(`${APP_ORIGIN}/api/providers/bitbucket/proxy/repositories/acme`));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ values: [{ full_name: 'acme/tokenkeeper' }] });
    expect(await statusAndBody(refreshAtBitbucket(bitbucket, before.refreshToken!))).toEqual({ status: 400, body: { error: 'unauthorized_client', error_description: 'refresh_token is invalid' } });
  });

  it("a refresh token Bitbucket rotated out (unauthorized_client 'refresh_token is invalid') marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: bitbucket, app } = context;
    const { browser, userId } = await signIn(person(4, 'Refused Refresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'bitbucket');
    // Rotated behind the app's back (another copy of the token used it): Bitbucket no longer takes the stored one.
    expect((await refreshAtBitbucket(bitbucket, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: bitbucket }, 'bitbucket', userId, () => browser.get(`${APP_ORIGIN}/api/providers/bitbucket/proxy/user`));
  });

  it('disconnect deletes the tokens here and asks Bitbucket nothing: it documents no revocation', async () => {
    const { browser, userId } = await signIn(person(5, 'Leaving Person'));
    await expectDisconnectAsksNothing(context, 'bitbucket', { browser, userId });
  });

  standardCases(() => context, BITBUCKET, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(BITBUCKET, {
  title: 'Bitbucket refresh tokens (three months unused) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 90, and the connection outlives that refresh token',
  startEmulator: (now) => startBitbucketEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, callbackUrl: CALLBACK_URL, now }),
  person: person(8, 'Idle Person'),
  dueAfterDays: 83,
  // Past the first refresh token's 90 days, the connection works: the new one refreshes its access token.
  usedAgainAfterDays: 14,
});

describeClientFailures(BITBUCKET, { wrongSecret: { sentAs: 'unauthorized_client', error: 'unauthorized_client' }, exchangeFailure: {} });
