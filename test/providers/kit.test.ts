import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startKitEmulator, type KitEmulator, type KitUser } from './kit.emulator.js';

const CLIENT_ID = 'kit-app-9f8e7d6c5b4a3928170615243342f5e6';
const CLIENT_SECRET = 'kit-secret-1a2b3c4d5e6f7081928374655647382910abcdef';
const REDIRECT_URI = `${APP_ORIGIN}/auth/kit/callback`;

function person(id: number, name: string): KitUser {
  const first = name.split(' ')[0]!.toLowerCase();
  return { id, email: `${first}@example.com`, account: { id: id + 1000, name: `${name}'s Newsletter` } };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/v4/account moves with it). */
function kitEnv(kit: KitEmulator): Record<string, string> {
  return presetEnv('kit', CLIENT_ID, CLIENT_SECRET, {
    KIT_AUTHORIZE_URL: `${kit.origin}/v4/oauth/authorize`,
    KIT_ACCESS_TOKEN_URL: `${kit.origin}/v4/oauth/token`,
    KIT_API_BASE_URL: kit.origin,
  });
}

const KIT: StandardProvider<KitUser, KitEmulator> = {
  preset: 'kit',
  displayName: 'Kit',
  startEmulator: () => startKitEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: kitEnv,
  people: {
    cancelled: person(70001, 'Changed Mind'),
    'refused-code': person(70002, 'Refused Code'),
    'wrong-secret': person(70003, 'Wrong Secret'),
    'exchange-failure': person(70004, 'Outage Person'),
  },
  subjectOf: (user) => String(user.id),
};

describeEachDialect('Kit, against an emulator of Kit', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), KIT);

  const signIn = (user: KitUser) => signInAs(context, 'kit', user);
  const subscribers = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/kit/proxy/v4/subscribers`);

  it("signs in as /v4/account's user id with its e-mail (verification unknown), the account kept; public asked, the client in a JSON body, a two-day token with a refresh token", async () => {
    const { database, emulator: kit, app } = context;
    const ada = person(2, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('public');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('2');
    expect(JSON.parse(account.claims)).toMatchObject({ account_id: '1002', account_name: "Ada Lovelace's Newsletter", plan_type: 'creator' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('ada@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'kit');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'public' });
    expectAccessTokenLifetime(token, 172_800 - 100, 172_800);
    const exchange = kit.server.requests.find((r) => r.path === '/v4/oauth/token')!;
    expect(exchange.headers['content-type']).toMatch(/^application\/json/);
    expect(exchange.headers.authorization).toBeUndefined();
    expect(kit.server.counts.json_body).toBe(1);
    expect(kit.server.requests.filter((r) => r.path === '/v4/account').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy lists subscribers; 20 concurrent calls on an expired token make one refresh, sent as JSON, and the new pair is kept in place of the old', async () => {
    const { emulator: kit } = context;
    const { browser, userId } = await signIn(person(3, 'Alan Turing'));
    const jsonBodies = kit.server.counts.json_body ?? 0;
    const { answers } = await expectRotatedAfterStorm(context, 'kit', userId, () => subscribers(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ subscribers: [{ id: 142, email_address: 'alice@example.com' }] });
    expect(kit.server.counts.json_body).toBe(jsonBodies + 1);
  });

  it("the app uninstalled in Kit marks the connection 'needs re-auth' after one refresh Kit refuses", async () => {
    const { emulator: kit } = context;
    const leaving = person(4, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    kit.uninstallApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'kit', userId, () => subscribers(browser));
  });

  it('disconnect deletes the tokens here and asks Kit nothing: it documents no revocation endpoint', async () => {
    const { browser, userId } = await signIn(person(5, 'Goodbye Person'));
    await expectDisconnectAsksNothing(context, 'kit', { browser, userId });
  });

  standardCases(() => context, KIT, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(KIT, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
