import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startEventbriteEmulator, type EventbriteEmulator, type EventbriteUser } from './eventbrite.emulator.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An API key and client secret as Eventbrite shows them.
const CLIENT_ID = 'OXTZQ4YVJ2KQ6FNUB3';
const CLIENT_SECRET = 'W5KD3R2NQZLXC7HB4TJ6PFMY2VAS8GEUQ4DN7KRB3LWZ5XHC';
const REDIRECT_URI = `${APP_ORIGIN}/auth/eventbrite/callback`;

function person(id: number, name: string, emails?: EventbriteUser['emails']): EventbriteUser {
  const [firstName, lastName = ''] = name.split(' ');
  const email = `${firstName!.toLowerCase()}@acme.test`;
  return { id: String(183_402_000_000 + id), firstName: firstName!, lastName, emails: emails ?? [{ email, verified: true, primary: true }], organization: { id: String(2_109_000_000 + id), name: `${name}'s events` } };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/users/me/ moves with it). */
function eventbriteEnv(eventbrite: EventbriteEmulator): Record<string, string> {
  return presetEnv('eventbrite', CLIENT_ID, CLIENT_SECRET, {
    EVENTBRITE_AUTHORIZE_URL: `${eventbrite.origin}/oauth/authorize`,
    EVENTBRITE_ACCESS_TOKEN_URL: `${eventbrite.origin}/oauth/token`,
    EVENTBRITE_API_BASE_URL: `${eventbrite.origin}/v3`,
  });
}

const EVENTBRITE: StandardProvider<EventbriteUser, EventbriteEmulator> = {
  preset: 'eventbrite',
  displayName: 'Eventbrite',
  startEmulator: () => startEventbriteEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: eventbriteEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Eventbrite, against an emulator of Eventbrite', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), EVENTBRITE);

  const signIn = (user: EventbriteUser) => signInAs(context, 'eventbrite', user);

  const organizations = (browser: TestBrowser) => browser.request(`${APP_ORIGIN}/api/providers/eventbrite/proxy/users/me/organizations/`, { method: 'GET' });

  it('signs in as the id of /users/me/ with its name and verified primary e-mail; no scope asked, the client in the form, a token that never expires with no refresh token', async () => {
    const { database, emulator: eventbrite, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('client_id')).toBe(CLIENT_ID);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.id, first_name: 'Ada', last_name: 'Lovelace' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'eventbrite');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null });
    const exchange = eventbrite.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(eventbrite.server.requests.filter((r) => r.path === '/v3/users/me/').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('takes the primary e-mail among several, unverified when Eventbrite says so', async () => {
    const { database } = context;
    const { userId } = await signIn(
      person(102, 'Grace Hopper', [
        { email: 'grace@navy.test', verified: true, primary: false },
        { email: 'grace@acme.test', verified: false, primary: true },
      ]),
    );
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('grace@acme.test');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy calls API v3 with the token, the trailing slash kept; 20 concurrent calls ask Eventbrite for no token, as there is nothing to refresh', async () => {
    const { emulator: eventbrite, app } = context;
    const alan = person(103, 'Alan Turing');
    const { browser, userId } = await signIn(alan);
    const answer = await organizations(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ organizations: [{ id: alan.organization.id, name: "Alan Turing's events" }] });
    const sent = eventbrite.server.requests.filter((r) => r.path === '/v3/users/me/organizations/').at(-1)!;
    expect(sent.headers.authorization).toBe(`Bearer ${(await app.runtime.tokenStore.findToken(userId, 'eventbrite'))!.accessToken}`);

    await expectNoTokenRequestFor20Calls(eventbrite, () => organizations(browser));
  });

  it("the app removed from the person's Eventbrite account (401 INVALID_AUTH) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: eventbrite, app } = context;
    const joan = person(104, 'Joan Clarke');
    const { browser, userId } = await signIn(joan);
    eventbrite.removeApp(joan);
    await expectNeedsReauthWithoutTokenRequest(context, 'eventbrite', userId, () => organizations(browser));
  });

  it('disconnect deletes the token and asks Eventbrite nothing (it documents no revocation); the token still works there', async () => {
    const { emulator: eventbrite, app } = context;
    const { browser, userId } = await signIn(person(105, 'Leaving Person'));
    const accessToken = (await app.runtime.tokenStore.findToken(userId, 'eventbrite'))!.accessToken;
    await expectDisconnectAsksNothing(context, 'eventbrite', { browser, userId });
    expect(eventbrite.accepts(accessToken)).toBe(true);
  });

  it('/users/me/ failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, EVENTBRITE, person(110, 'Outage Profile'), (eventbrite) => eventbrite.failNextMe(500));
  });

  standardCases(() => context, EVENTBRITE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(EVENTBRITE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
