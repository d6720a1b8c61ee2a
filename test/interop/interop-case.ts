// What the interop suites (Django OAuth Toolkit, Glewlwyd, LemonLDAP::NG,
// Doorkeeper, Authlib) share around their server: the app and its database
// set up beside it for one block, and the checks each makes the same way of
// a sign-in, of many calls at once after a refresh, of a disconnect and of a
// grant ended at the server, and what an action added to its counts. How each server is signed in at, counted and made to end a
// grant stays in its own suite.
import { afterAll, beforeAll, expect } from 'vitest';
import type { StoredToken } from '../../src/db/token-store.js';
import { APP_ORIGIN, disconnectThrough, startProviderTestApp, type ProviderTestApp } from '../providers/kit/provider-app.js';
import type { BrowserResponse, TestBrowser } from '../support/browser.js';
import type { TestDatabase, TestDialect } from '../support/postgres.js';
import { expireStoredAccessToken } from '../support/signed-in.js';

export interface InteropCase<Server> {
  /** The app's name for the server (`OAUTH_PROVIDERS`). */
  readonly provider: string;
  /** The path under the server's API base that the suite calls through the app's proxy. */
  readonly proxyPath: string;
  readonly server: Server;
  readonly database: TestDatabase;
  readonly app: ProviderTestApp;
}

/**
 * For the block it is called in: before its tests, the server `start` makes,
 * a database of `dialect`, and the app configured with the `env` made from
 * the server; after them, all three closed (app first, server last).
 */
export function useInteropCase<Server extends { close(): Promise<void> }>(
  dialect: TestDialect,
  options: { provider: string; proxyPath: string; start: () => Promise<Server>; env: (server: Server) => Record<string, string> },
): InteropCase<Server> {
  const context = { provider: options.provider, proxyPath: options.proxyPath } as { -readonly [K in keyof InteropCase<Server>]: InteropCase<Server>[K] };
  beforeAll(async () => {
    context.server = await options.start();
    context.database = await dialect.openTestDatabase();
    context.app = await startProviderTestApp({ databaseUrl: context.database.url, env: options.env(context.server) });
  });
  afterAll(async () => {
    await context.app?.close();
    await context.database?.close();
    await context.server?.close();
  });
  return context;
}

/** A second app on the case's database, configured by `env` alone, for `use`; closed after. */
export async function withAppConfiguredBy(interop: InteropCase<unknown>, env: Record<string, string>, use: (app: ProviderTestApp) => Promise<void>): Promise<void> {
  const app = await startProviderTestApp({ databaseUrl: interop.database.url, env });
  try {
    await use(app);
  } finally {
    await app.close();
  }
}

/** The app's user whose account at the server has `subject`. */
export async function userIdOf(interop: InteropCase<unknown>, subject: string): Promise<string> {
  const account = await interop.database.db
    .selectFrom('accounts')
    .select('user_id')
    .where('provider', '=', interop.provider)
    .where('subject', '=', subject)
    .executeTakeFirstOrThrow();
  return account.user_id;
}

/** The tokens the app holds for `userId` at the server, which must be there. */
export async function storedToken(interop: InteropCase<unknown>, userId: string): Promise<StoredToken> {
  return (await interop.app.runtime.tokenStore.findToken(userId, interop.provider))!;
}

/** What `action` added to the server's request counts: the counts that changed, by how much. */
export async function countsDelta(server: { counts(): Promise<Record<string, number>> }, action: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await server.counts();
  await action();
  const after = await server.counts();
  return Object.fromEntries(Object.entries(after).map(([key, n]) => [key, n - (before[key] ?? 0)]).filter(([, n]) => n !== 0));
}

/** The suite's API call at the server, through the app's proxy as the signed-in `browser`. */
export function proxied(interop: InteropCase<unknown>, browser: TestBrowser): Promise<BrowserResponse> {
  return browser.get(`${APP_ORIGIN}/api/providers/${interop.provider}/proxy/${interop.proxyPath}`);
}

/**
 * A sign-in that landed on the account page, its authorization request with
 * PKCE (S256) and `scope`, the account under the server's `issuer` and
 * `subject`, the user's `email`, and an active token with its refresh token,
 * `grantedScope` (`scope` by default) and `accessTokenSeconds` to live; the
 * stored token is returned.
 */
export async function expectSignedIn(
  interop: InteropCase<unknown>,
  signedIn: { landed: BrowserResponse; userId: string; authorization: URL },
  expected: { name: string; issuer: string; subject: string; email: string; scope: string; grantedScope?: string; accessTokenSeconds: number },
): Promise<StoredToken> {
  const { landed, userId, authorization } = signedIn;
  expect(landed.status).toBe(200);
  expect(landed.url).toBe(`${APP_ORIGIN}/account`);
  expect(landed.text).toContain(expected.name);
  expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorization.searchParams.get('scope')).toBe(expected.scope);

  const account = await interop.database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
  expect(account).toEqual({ issuer: expected.issuer, subject: expected.subject });
  const user = await interop.database.db.selectFrom('users').select(['email']).where('id', '=', userId).executeTakeFirstOrThrow();
  expect(user.email).toBe(expected.email);

  const token = await storedToken(interop, userId);
  expect(token).toMatchObject({ status: 'active', scope: expected.grantedScope ?? expected.scope });
  expect(token.refreshToken).toEqual(expect.any(String));
  expect(Math.abs(token.expiresAt! - (Math.floor(Date.now() / 1000) + expected.accessTokenSeconds))).toBeLessThan(15);
  return token;
}

/** `count` proxied calls at once as `browser`, each of which must answer 200 with a JSON body that has `body`. */
export async function expectAllAnswered(interop: InteropCase<unknown>, browser: TestBrowser, count: number, body: Record<string, unknown>): Promise<void> {
  const answers = await Promise.all(Array.from({ length: count }, () => proxied(interop, browser)));
  expect(answers.map((answer) => answer.status)).toEqual(Array(count).fill(200));
  for (const answer of answers) expect(JSON.parse(answer.text)).toMatchObject(body);
}

/** The token stored after a refresh: a new access token from `before`'s, with about `accessTokenSeconds` to live. */
export async function expectRefreshed(interop: InteropCase<unknown>, userId: string, before: StoredToken, accessTokenSeconds: number): Promise<StoredToken> {
  const after = await storedToken(interop, userId);
  expect(after.accessToken).not.toBe(before.accessToken);
  expect(after.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(accessTokenSeconds - 15);
  return after;
}

/** Disconnects as the account page does; the app must say whether it was `revokedAtProvider` and hold no token for `userId` after. */
export async function expectDisconnected(interop: InteropCase<unknown>, browser: TestBrowser, userId: string, revokedAtProvider: boolean): Promise<void> {
  expect(await disconnectThrough(browser, interop.provider)).toEqual({ disconnected: true, revokedAtProvider });
  expect(await interop.app.runtime.tokenStore.findToken(userId, interop.provider)).toBeUndefined();
}

/**
 * After the server refused the refresh: both proxied calls (`first`, then
 * `second`) answered 401 needs_reauth, and the stored token and /api/me
 * say needs_reauth.
 */
export async function expectNeedsReauth(interop: InteropCase<unknown>, browser: TestBrowser, userId: string, first: BrowserResponse, second: BrowserResponse): Promise<void> {
  expect(first.status).toBe(401);
  expect(JSON.parse(first.text)).toMatchObject({ error: 'needs_reauth' });
  expect(second.status).toBe(401);
  expect(JSON.parse(second.text)).toMatchObject({ error: 'needs_reauth' });
  expect((await storedToken(interop, userId)).status).toBe('needs_reauth');
  const me = JSON.parse((await browser.get(`${APP_ORIGIN}/api/me`)).text) as { connections: Array<{ provider: string; status: string }> };
  expect(me.connections).toEqual([expect.objectContaining({ provider: interop.provider, status: 'needs_reauth' })]);
}

/**
 * For a server that counts its requests as `token:<grant_type>[:<status>]` once it refused the grant: the stored
 * access token expired here, two proxied calls make one refresh, refused (400), and both answer needs_reauth.
 */
export async function expectOneRefusedRefreshThenNeedsReauth(
  interop: InteropCase<{ counts(): Promise<Record<string, number>> }>,
  browser: TestBrowser,
  userId: string,
): Promise<void> {
  await expireStoredAccessToken(interop.database, userId, interop.provider);
  let first!: BrowserResponse;
  let second!: BrowserResponse;
  const delta = await countsDelta(interop.server, async () => {
    first = await proxied(interop, browser);
    second = await proxied(interop, browser);
  });
  // The server refused the one refresh; the second call did not ask again.
  expect(delta).toEqual({ 'token:refresh_token': 1, 'token:refresh_token:400': 1 });
  await expectNeedsReauth(interop, browser, userId, first, second);
}

/**
 * For such a server once it ended the stored access token before its time: one proxied call answers 200 with
 * `body`, after one refresh (200) that replaced the access token.
 */
export async function expectOneRefreshAfterItsRefusal(
  interop: InteropCase<{ counts(): Promise<Record<string, number>> }>,
  browser: TestBrowser,
  userId: string,
  stored: StoredToken,
  body: Record<string, unknown>,
): Promise<void> {
  let answer!: BrowserResponse;
  const delta = await countsDelta(interop.server, async () => {
    answer = await proxied(interop, browser);
  });
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.text)).toMatchObject(body);
  expect(delta).toEqual({ 'token:refresh_token': 1, 'token:refresh_token:200': 1 });
  expect((await storedToken(interop, userId)).accessToken).not.toBe(stored.accessToken);
}
