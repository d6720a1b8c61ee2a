import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startHelpScoutEmulator, type HelpScoutEmulator, type HelpScoutUser } from './helpscout.emulator.js';

// An App ID and App Secret of the form Help Scout's My Apps page shows (32 characters each).
const CLIENT_ID = 'x2Rk8LmQ4vT9pZ7wN3cB6hJ1fD5gS0aE';
const CLIENT_SECRET = 'Yq7Vn2Kp9Lx4Mz8Rt3Wb6Hc1Jd5Gf0Ss';
const REDIRECT_URI = `${APP_ORIGIN}/auth/helpscout/callback`;

function person(id: number, firstName: string, lastName: string): HelpScoutUser {
  return { id, firstName, lastName, email: `${firstName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (/v2/users/me moves with the API base). */
function helpscoutEnv(helpscout: HelpScoutEmulator): Record<string, string> {
  return presetEnv('helpscout', CLIENT_ID, CLIENT_SECRET, {
    HELPSCOUT_AUTHORIZE_URL: `${helpscout.origin}/authentication/authorizeClientApplication`,
    HELPSCOUT_ACCESS_TOKEN_URL: `${helpscout.origin}/v2/oauth2/token`,
    HELPSCOUT_API_BASE_URL: helpscout.origin,
  });
}

const HELPSCOUT: StandardProvider<HelpScoutUser, HelpScoutEmulator> = {
  preset: 'helpscout',
  displayName: 'Help Scout',
  startEmulator: () => startHelpScoutEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: helpscoutEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => String(user.id),
};

const mailboxes = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/helpscout/proxy/v2/mailboxes`);

describeEachDialect('Help Scout, against an emulator of Help Scout', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), HELPSCOUT);

  const signIn = (user: HelpScoutUser) => signInAs(context, 'helpscout', user);

  it('signs in as the id of /v2/users/me with the first and last names and the e-mail (verification unknown); no scope asked, the client in the form, a two-day token with a refresh token', async () => {
    const { database, emulator: helpscout, app } = context;
    const { userId, request } = await signIn(person(101, 'Ada', 'Lovelace'));
    expect(request.has('scope')).toBe(false);
    expect(request.get('state')).toEqual(expect.any(String));
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('101');
    expect(JSON.parse(account.claims)).toMatchObject({ id: 101, given_name: 'Ada', family_name: 'Lovelace' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'helpscout');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 172_700, 172_800);
    const exchange = helpscout.server.requests.find((r) => r.path === '/v2/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
  });

  it('the proxy calls the Inbox API; 20 concurrent calls on an expired token make one refresh, and the refresh token it answers is kept with a new two-day access token', async () => {
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const { after, answers } = await expectRotatedAfterStorm(context, 'helpscout', userId, () => mailboxes(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ _embedded: { mailboxes: [{ id: 85, name: 'Support' }] } });
    expectAccessTokenLifetime(after, 172_700, 172_800);
  });

  it("the app removed from the person's authorized apps marks the connection 'needs re-auth' after one refresh Help Scout refuses", async () => {
    const { emulator: helpscout } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    helpscout.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'helpscout', userId, () => mailboxes(browser));
  });

  it('disconnect deletes the tokens here and says they were not revoked at Help Scout, which has no endpoint for it: no request is sent', async () => {
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    await expectDisconnectAsksNothing(context, 'helpscout', { browser, userId });
  });

  it('the profile failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, HELPSCOUT, person(110, 'Outage', 'Profile'), (helpscout) => helpscout.failNextProfile(500));
  });

  standardCases(() => context, HELPSCOUT, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(HELPSCOUT, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
