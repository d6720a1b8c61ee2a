import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { startMailchimpEmulator, type MailchimpEmulator, type MailchimpUser } from './mailchimp.emulator.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { describeClientFailures, rowCounts, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

const CLIENT_ID = '204851732967';
const CLIENT_SECRET = '0e3c6d9b2a7f41c58e0b9d6a3f2c1e4b7a9d8c6f5e4b3a21';
const REDIRECT_URI = `${APP_ORIGIN}/auth/mailchimp/callback`;

function person(loginId: number, name: string): MailchimpUser {
  const first = name.split(' ')[0]!.toLowerCase();
  return { loginId, loginName: first, email: `${first}@shop.test`, accountId: 80_000 + loginId, accountName: `${name}'s Shop` };
}

/** Only the documented variables: the preset, the client, the OAuth and metadata endpoints, and the API origin (the host the metadata's api_endpoint may name). */
function mailchimpEnv(mailchimp: MailchimpEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('mailchimp', CLIENT_ID, CLIENT_SECRET, {
    MAILCHIMP_AUTHORIZE_URL: `${mailchimp.origin}/oauth2/authorize`,
    MAILCHIMP_ACCESS_TOKEN_URL: `${mailchimp.origin}/oauth2/token`,
    MAILCHIMP_USERINFO_URL: `${mailchimp.origin}/oauth2/metadata`,
    MAILCHIMP_API_BASE_URL: mailchimp.origin,
    ...extra,
  });
}

const MAILCHIMP: StandardProvider<MailchimpUser, MailchimpEmulator> = {
  preset: 'mailchimp',
  displayName: 'Mailchimp',
  startEmulator: () => startMailchimpEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: mailchimpEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.loginId),
};

describeEachDialect('Mailchimp, against an emulator of Mailchimp', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: MAILCHIMP.startEmulator, env: mailchimpEnv });

  const signIn = (user: MailchimpUser) => signInAs(context, 'mailchimp', user);

  it('signs in as the login of /oauth2/metadata (read with the OAuth scheme), keeps api_endpoint + /3.0 as the connection’s API base, and a token that never expires with no refresh token', async () => {
    const { database, emulator: mailchimp, app } = context;
    const { userId, request } = await signIn(person(101, 'Ada Lovelace'));
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('101');
    expect(JSON.parse(account.claims)).toMatchObject({ account_id: 80_101, account_name: "Ada Lovelace's Shop", dc: 'us6' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: 'ada@shop.test', email_verified: null, name: 'ada' });
    const token = await app.runtime.tokenStore.findToken(userId, 'mailchimp');
    expect(token).toMatchObject({ apiBaseUrl: `${mailchimp.origin}/3.0`, refreshToken: null, expiresAt: null });
    const exchange = mailchimp.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const metadata = mailchimp.server.requests.filter((r) => r.path === '/oauth2/metadata').at(-1)!;
    expect(metadata.headers.authorization).toBe(`OAuth ${token!.accessToken}`);
  });

  it('the proxy calls the account’s Marketing API with Bearer; 20 concurrent calls ask Mailchimp for no token, as there is nothing to refresh', async () => {
    const { emulator: mailchimp, app } = context;
    const { browser, userId } = await signIn(person(102, 'Grace Hopper'));
    const ping = await browser.get(`${APP_ORIGIN}/api/providers/mailchimp/proxy/ping`);
    expect(ping.status).toBe(200);
    expect(JSON.parse(ping.text)).toEqual({ health_status: "Everything's Chimpy!" });
    const token = await app.runtime.tokenStore.findToken(userId, 'mailchimp');
    expect(mailchimp.server.requests.filter((r) => r.path === '/3.0/ping').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);

    const answers = await expectNoTokenRequestFor20Calls(mailchimp, () => browser.get(`${APP_ORIGIN}/api/providers/mailchimp/proxy/lists`));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ lists: [{ name: "Customers of Grace Hopper's Shop" }] });
  });

  it("a token Mailchimp no longer takes (the app removed there) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: mailchimp, app } = context;
    const { browser, userId } = await signIn(person(103, 'Alan Turing'));
    mailchimp.removeApp((await app.runtime.tokenStore.findToken(userId, 'mailchimp'))!.accessToken);
    await expectNeedsReauthWithoutTokenRequest(context, 'mailchimp', userId, () => browser.get(`${APP_ORIGIN}/api/providers/mailchimp/proxy/lists`));
  });

  it.each([
    ['another host', 'https://collector.example.net', 'named an API origin (api_base) outside its own domains'],
    ['Mailchimp’s host as a user name before another', 'https://us6.api.mailchimp.com@collector.example.net', 'named an API origin (api_base) outside its own domains'],
    ['a look-alike host', 'https://us6.api.mailchimp.com.collector.example.net', 'named an API origin (api_base) outside its own domains'],
    ['none', undefined, 'did not name an API origin (api_base) for this connection'],
  ])('metadata naming %s as api_endpoint fails the sign-in: 502, no API call, nothing stored', async (_name, endpoint, message) => {
    const { database, emulator: mailchimp, app } = context;
    const before = await rowCounts(database);
    const pings = mailchimp.server.counts.ping ?? 0;
    mailchimp.setApiEndpoint(endpoint);
    try {
      mailchimp.signInAs(person(104, 'Eve Mallory'));
      const page = await signInThrough(app.browser(), 'mailchimp');
      expect(page.status).toBe(502);
      expect(page.text).toContain(`Mailchimp ${message}`);
    } finally {
      mailchimp.setApiEndpoint(mailchimp.origin);
    }
    expect(await rowCounts(database)).toEqual(before);
    expect(mailchimp.server.counts.ping ?? 0).toBe(pings);
  });

  it('the metadata call failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, MAILCHIMP, person(105, 'Outage Metadata'), (mailchimp) => mailchimp.failNextMetadata(500));
  });

  it('disconnect deletes the token; Mailchimp has no revocation endpoint, and the answer says it was not revoked there', async () => {
    const { browser, userId } = await signIn(person(106, 'Leaving Person'));
    await expectDisconnectAsksNothing(context, 'mailchimp', { browser, userId });
  });

  standardCases(() => context, MAILCHIMP, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(MAILCHIMP, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
