import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startAttioEmulator, type AttioEmulator, type AttioMember } from './attio.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

const CLIENT_ID = '6d0c2c5e-8a53-4b8e-9f0b-3f1b2f4c7a10';
const CLIENT_SECRET = 'attio-secret-Q8v2-Lm7x_Rt4.Zp9';
const REDIRECT_URI = `${APP_ORIGIN}/auth/attio/callback`;
const APP_SCOPES = ['record_permission:read', 'object_configuration:read', 'user_management:read'];
const ACME = { id: '14beef7a-99f7-4534-a87e-70b564330a4c', name: 'Acme', slug: 'acme' };

function person(id: number, name: string, workspace = ACME): AttioMember {
  const [firstName, lastName = ''] = name.split(' ');
  return { memberId: `50cf242c-7fa3-4cad-87d0-${String(id).padStart(12, '0')}`, firstName: firstName!, lastName, email: `${firstName!.toLowerCase()}@acme.test`, workspace };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/v2/self moves with it). */
function attioEnv(attio: AttioEmulator): Record<string, string> {
  return presetEnv('attio', CLIENT_ID, CLIENT_SECRET, {
    ATTIO_AUTHORIZE_URL: `${attio.origin}/authorize`,
    ATTIO_ACCESS_TOKEN_URL: `${attio.origin}/oauth/token`,
    ATTIO_REVOCATION_URL: `${attio.origin}/oauth/revoke`,
    ATTIO_API_BASE_URL: attio.origin,
  });
}

const startWith = (scopes: string[]) => () => startAttioEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, scopes });

const ATTIO: StandardProvider<AttioMember, AttioEmulator> = {
  preset: 'attio',
  displayName: 'Attio',
  startEmulator: startWith(APP_SCOPES),
  env: attioEnv,
  people: standardPeople(person),
  subjectOf: (member) => member.memberId,
};

describeEachDialect('Attio, against an emulator of Attio', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ATTIO);

  const signIn = (member: AttioMember) => signInAs(context, 'attio', member);
  const objects = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/attio/proxy/v2/objects`);

  it("signs in as /v2/self's authorizing member, with the workspace and the member's name and e-mail (verification unknown); no scope asked, the client in the form, a Bearer token that never expires and no refresh token", async () => {
    const { database, emulator: attio, app } = context;
    const member = person(201, 'Susan Kare');
    const { userId, request } = await signIn(member);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(member.memberId);
    expect(JSON.parse(account.claims)).toMatchObject({ workspace_id: ACME.id, workspace_name: 'Acme', workspace_slug: 'acme', access_level: 'admin' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Susan Kare', email: 'susan@acme.test', email_verified: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'attio');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, tokenType: 'bearer' });
    const exchange = attio.server.requests.filter((r) => r.path === '/oauth/token').at(-1)!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(attio.server.requests.filter((r) => r.path === '/v2/self').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the API with the token as Bearer; 20 concurrent calls ask Attio for no token, as there is nothing to refresh', async () => {
    const { emulator: attio, app } = context;
    const { browser, userId } = await signIn(person(202, 'Grace Hopper'));
    const tokenRequests = attio.server.counts.token_request ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => objects(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: [{ api_slug: 'people' }, { api_slug: 'companies' }] });
    expect(attio.server.requests.filter((r) => r.path === '/v2/objects').at(-1)!.headers.authorization).toBe(`Bearer ${(await app.runtime.tokenStore.findToken(userId, 'attio'))!.accessToken}`);
    expect(attio.server.counts.token_request ?? 0).toBe(tokenRequests);
  });

  it("the app uninstalled from the workspace (401) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: attio, app } = context;
    const member = person(203, 'Alan Turing');
    const { browser, userId } = await signIn(member);
    attio.uninstall(member.memberId);
    const tokenRequests = attio.server.counts.token_request ?? 0;
    const call = await objects(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect((await app.runtime.tokenStore.findToken(userId, 'attio'))!.status).toBe('needs_reauth');
    expect(attio.server.counts.token_request ?? 0).toBe(tokenRequests);
  });

  it('disconnect revokes the access token at /oauth/revoke, in a form body, and Attio then refuses it', async () => {
    const { emulator: attio, app } = context;
    const { browser, userId } = await signIn(person(204, 'Leaving Person'));
    expect(attio.accepts((await app.runtime.tokenStore.findToken(userId, 'attio'))!.accessToken)).toBe(true);
    const stored = await expectDisconnectRevokes(context, 'attio', { browser, userId }, { requests: 1 });
    expect(attio.accepts(stored.accessToken)).toBe(false);
  });

  standardCases(() => context, ATTIO, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Attio, an app without user_management:read', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: startWith(['record_permission:read', 'object_configuration:read']), env: attioEnv });

  it("signs in as /v2/self's member with the workspace alone, Attio's 403 for the member skipped: no name, no e-mail", async () => {
    const { database, emulator: attio } = context;
    const member = person(205, 'No Members');
    const { userId } = await signInAs(context, 'attio', member);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(member.memberId);
    expect(JSON.parse(account.claims)).toMatchObject({ workspace_name: 'Acme' });
    expect(await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ name: null, email: null });
    expect(attio.server.counts.workspace_member).toBe(1);
  });
});

describeClientFailures(ATTIO, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
