import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startNotionEmulator, type NotionEmulator, type NotionUser } from './notion.emulator.js';

// A UUID and a `secret_` secret, as Notion issues them: form-encoding would change the secret's `_` (RFC 6749 §2.3.1).
const CLIENT_ID = '1c8d872b-594c-80a7-a5f2-0037b1c0e2d4';
const CLIENT_SECRET = 'secret_notion-test.secret';
const REDIRECT_URI = `${APP_ORIGIN}/auth/notion/callback`;

function person(id: string, name: string): NotionUser {
  return { id, name, email: `${name.toLowerCase().replace(/\W+/g, '.')}@notion.test`, workspaceId: 'b7c5d2a0-0c2e-4d51-9f5c-1f0a4c2b9e11', workspaceName: "Ada's Workspace" };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator. */
function notionEnv(notion: NotionEmulator): Record<string, string> {
  return presetEnv('notion', CLIENT_ID, CLIENT_SECRET, {
    NOTION_AUTHORIZE_URL: `${notion.origin}/v1/oauth/authorize`,
    NOTION_ACCESS_TOKEN_URL: `${notion.origin}/v1/oauth/token`,
    NOTION_REVOCATION_URL: `${notion.origin}/v1/oauth/revoke`,
    NOTION_API_BASE_URL: `${notion.origin}/v1`,
  });
}

const NOTION: StandardProvider<NotionUser, NotionEmulator> = {
  preset: 'notion',
  displayName: 'Notion',
  startEmulator: () => startNotionEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: notionEnv,
  people: {
    cancelled: person('a1b2c3d4-0000-4000-8000-000000000006', 'Changed Mind'),
    'refused-code': person('a1b2c3d4-0000-4000-8000-000000000005', 'Refused'),
    'wrong-secret': person('a1b2c3d4-0000-4000-8000-000000000900', 'Wrong Secret'),
    'exchange-failure': person('a1b2c3d4-0000-4000-8000-000000000901', 'Outage'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Notion, against an emulator of Notion', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), NOTION);

  const signIn = (user: NotionUser) => signInAs(context, 'notion', user);

  it('signs in as the Notion user from the token answer alone (no userinfo call), keeping the workspace and bot with the profile and never the tokens', async () => {
    const { database, emulator: notion, app } = context;
    const usersMe = notion.server.counts.users_me ?? 0;
    const { userId, request } = await signIn(person('e79a0b74-3aba-4149-9f74-0bb5791a6ee6', 'Ada Lovelace'));
    expect(request.get('owner')).toBe('user');
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('e79a0b74-3aba-4149-9f74-0bb5791a6ee6');
    const claims = JSON.parse(account.claims) as Record<string, unknown>;
    expect(claims).toMatchObject({ workspace_id: 'b7c5d2a0-0c2e-4d51-9f5c-1f0a4c2b9e11', workspace_name: "Ada's Workspace", bot_id: expect.any(String), email_verified: false });
    expect(account.claims).not.toMatch(/ntn_|nrt_|access_token|refresh_token/);
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: 'ada.lovelace@notion.test' });
    expect(notion.server.counts.users_me ?? 0).toBe(usersMe);
    const token = await app.runtime.tokenStore.findToken(userId, 'notion');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^nrt_/), expiresAt: null });
    // The code went as JSON with the version header and plain Basic credentials, as Notion documents.
    const exchange = notion.server.requests.filter((r) => r.path === '/v1/oauth/token').at(-1)!;
    expect(exchange.headers['content-type']).toMatch(/^application\/json/);
    expect(exchange.headers['notion-version']).toBe('2026-03-11');
  });

  it("the proxy sends Notion-Version by default and passes a caller's own; 20 concurrent calls on an expired token make one refresh, and the rotated refresh token is kept", async () => {
    const { emulator: notion } = context;
    const { browser, userId } = await signIn(person('a1b2c3d4-0000-4000-8000-000000000001', 'Grace Hopper'));
    const me = await browser.get(`${APP_ORIGIN}/api/providers/notion/proxy/users/me`);
    expect(me.status).toBe(200);
    expect(JSON.parse(me.text)).toMatchObject({ type: 'bot', bot: { owner: { user: { id: 'a1b2c3d4-0000-4000-8000-000000000001' } } } });
    expect(notion.server.requests.at(-1)!.headers['notion-version']).toBe('2026-03-11');
    expect((await browser.get(`${APP_ORIGIN}/api/providers/notion/proxy/users/me`, { headers: { 'notion-version': '2022-06-28' } })).status).toBe(200);
    expect(notion.server.requests.at(-1)!.headers['notion-version']).toBe('2022-06-28');

    await expectRotatedAfterStorm(context, 'notion', userId, () => browser.get(`${APP_ORIGIN}/api/providers/notion/proxy/users/me`));
    const refresh = notion.server.requests.filter((r) => r.path === '/v1/oauth/token').at(-1)!;
    expect(refresh.headers['content-type']).toMatch(/^application\/json/);
    expect(refresh.headers['notion-version']).toBe('2026-03-11');
  });

  it('an access token Notion no longer takes (401 unauthorized, no expiry known) is refreshed once and the call retried', async () => {
    const { emulator: notion, app } = context;
    const { browser, userId } = await signIn(person('a1b2c3d4-0000-4000-8000-000000000002', 'Refused Token'));
    notion.endAccessToken((await app.runtime.tokenStore.findToken(userId, 'notion'))!.accessToken);
    const refreshes = notion.server.counts.refresh_token ?? 0;
    const call = await browser.get(`${APP_ORIGIN}/api/providers/notion/proxy/users/me`);
    expect(call.status).toBe(200);
    expect(notion.server.counts.refresh_token).toBe(refreshes + 1);
  });

  it("a refresh token Notion refuses (invalid_grant, in Notion's error shape) marks the connection 'needs re-auth'", async () => {
    const { database, emulator: notion, app } = context;
    const { browser, userId } = await signIn(person('a1b2c3d4-0000-4000-8000-000000000003', 'Rotated Elsewhere'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'notion');
    // Another copy of the refresh token is used first: Notion rotates it out.
    const elsewhere = await fetch(`${notion.origin}/v1/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'notion-version': '2026-03-11', authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: stored!.refreshToken }),
    });
    expect(elsewhere.status).toBe(200);
    await expireAccessTokens(database, userId);
    const call = await browser.get(`${APP_ORIGIN}/api/providers/notion/proxy/users/me`);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect((await app.runtime.tokenStore.findToken(userId, 'notion'))!.status).toBe('needs_reauth');
  });

  it('disconnect revokes the access token at /v1/oauth/revoke (JSON, Basic, Notion-Version): the connection ends', async () => {
    const { emulator: notion } = context;
    const { browser, userId } = await signIn(person('a1b2c3d4-0000-4000-8000-000000000004', 'Leaving'));
    const stored = await expectDisconnectRevokes(context, 'notion', { browser, userId }, { requests: 1 });
    expect(notion.accepts(stored.accessToken)).toBe(false);
  });

  standardCases(() => context, NOTION, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(NOTION, { wrongSecret: { sentAs: '401 invalid_client', secret: 'secret_not-the-secret' }, exchangeFailure: {} });
