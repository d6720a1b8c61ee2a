import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startFigmaEmulator, type FigmaEmulator, type FigmaUser } from './figma.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs, startProviderTestApp } from './kit/provider-app.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

const CLIENT_ID = 'Qm9vdHN0cmFwRmlnbWFBcHA';
const CLIENT_SECRET = 'kQ7vL2pX9mZ4rT8wB3nY6cF1hJ5sD0gA';
const REDIRECT_URI = `${APP_ORIGIN}/auth/figma/callback`;
const FILE_KEY = 'FgK3yQx8hVtWmZ2cLrN9aP';

function person(id: string, handle: string): FigmaUser {
  return { id, handle, email: `${handle.split(' ')[0]!.toLowerCase()}@figma.test` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the refresh endpoint through <NAME>_REFRESH_URL; /v1/me moves with the API base). */
function figmaEnv(figma: FigmaEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('figma', CLIENT_ID, CLIENT_SECRET, {
    FIGMA_AUTHORIZE_URL: `${figma.origin}/oauth`,
    FIGMA_ACCESS_TOKEN_URL: `${figma.origin}/v1/oauth/token`,
    FIGMA_REFRESH_URL: `${figma.origin}/v1/oauth/refresh`,
    FIGMA_API_BASE_URL: figma.origin,
    ...extra,
  });
}

const FIGMA: StandardProvider<FigmaUser, FigmaEmulator> = {
  preset: 'figma',
  displayName: 'Figma',
  startEmulator: () => startFigmaEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: figmaEnv,
  people: {
    cancelled: person('1180000000000000001', 'Changed Mind'),
    'refused-code': person('1180000000000000002', 'Refused Code'),
    'wrong-secret': person('1180000000000000003', 'Wrong Secret'),
    'exchange-failure': person('1180000000000000004', 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Figma, against an emulator of Figma', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: FIGMA.startEmulator, env: (figma) => figmaEnv(figma, { FIGMA_SCOPE: 'current_user:read file_content:read' }) });

  const signIn = (user: FigmaUser) => signInAs(context, 'figma', user);

  const file = (browser: TestBrowser, key = FILE_KEY) => browser.get(`${APP_ORIGIN}/api/providers/figma/proxy/v1/files/${key}`);

  it('signs in as the id of /v1/me, its handle the name and its e-mail (verification unknown); space-separated scopes, PKCE, the client as plain Basic only, 90-day tokens', async () => {
    const { database, emulator: figma, app } = context;
    const { userId, request } = await signIn(person('1180245530021340571', 'Dylan Field'));
    expect(request.get('scope')).toBe('current_user:read file_content:read');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('1180245530021340571');
    expect(JSON.parse(account.claims)).toMatchObject({ id: '1180245530021340571', handle: 'Dylan Field', email: 'dylan@figma.test' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Dylan Field', email: 'dylan@figma.test', email_verified: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'figma');
    expect(token).toMatchObject({ accessToken: expect.stringMatching(/^figu_/), refreshToken: expect.stringMatching(/^figur_/), scope: 'current_user:read file_content:read' });
    expectAccessTokenLifetime(token, 90 * 86_400 - 60, 90 * 86_400);
    const exchange = figma.server.requests.find((r) => r.path === '/v1/oauth/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    const me = figma.server.requests.find((r) => r.path === '/v1/me')!;
    expect(me.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy reads a file; 20 concurrent calls on an expired token make one refresh, at /v1/oauth/refresh, and the refresh token is kept', async () => {
    const { database, emulator: figma, app } = context;
    const { browser, userId } = await signIn(person('1180245530021340572', 'Storm Static'));
    const before = await app.runtime.tokenStore.findToken(userId, 'figma');
    await expireAccessTokens(database, userId);
    const refreshes = figma.server.counts.refresh_token ?? 0;
    const tokenRequests = figma.server.counts.token_request ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => file(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ name: 'Design System', version: '6014827791', document: { type: 'DOCUMENT' } });
    expect(figma.server.counts.refresh_token).toBe(refreshes + 1);
    expect(figma.server.counts.token_request ?? 0).toBe(tokenRequests);
    const refresh = figma.server.requests.filter((r) => r.path === '/v1/oauth/refresh').at(-1)!;
    expect(refresh.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    const after = await app.runtime.tokenStore.findToken(userId, 'figma');
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(after!.refreshToken).toBe(before!.refreshToken);
    expect(figma.accepts(after!.accessToken)).toBe(true);
  });

  it('a 403 "Invalid token" for a token Figma ended early is refreshed once and the call retried; a 403 for a scope not granted is passed on, with no refresh', async () => {
    const { database, emulator: figma, app } = context;
    const { browser, userId } = await signIn(person('1180245530021340573', 'Ended Early'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'figma');
    figma.endAccessToken(stored!.accessToken);
    const refreshes = figma.server.counts.refresh_token ?? 0;
    const answer = await file(browser);
    expect(answer.status).toBe(200);
    expect(figma.server.counts.refresh_token).toBe(refreshes + 1);
    expect((await app.runtime.tokenStore.findToken(userId, 'figma'))!.accessToken).not.toBe(stored!.accessToken);

    const narrow = await startProviderTestApp({ databaseUrl: database.url, env: figmaEnv(figma) });
    try {
      figma.signInAs(person('1180245530021340574', 'Profile Only'));
      const browserOfNarrow = narrow.browser();
      const start = await browserOfNarrow.get(`${APP_ORIGIN}/login/figma?next=/api/me`, { followRedirects: false });
      expect(new URL(start.location!).searchParams.get('scope')).toBe('current_user:read');
      expect((await browserOfNarrow.get(start.location!)).status).toBe(200);
      const before = figma.server.counts.refresh_token ?? 0;
      const refused = await browserOfNarrow.get(`${APP_ORIGIN}/api/providers/figma/proxy/v1/files/${FILE_KEY}`);
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.text)).toEqual({ status: 403, err: 'Invalid scope(s): current_user:read. This endpoint requires the file_content:read scope' });
      expect(figma.server.counts.refresh_token ?? 0).toBe(before);
    } finally {
      await narrow.close();
    }
  });

  it("a refresh token Figma refuses (the person removed the app) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: figma, app } = context;
    const { browser, userId } = await signIn(person('1180245530021340575', 'Removed App'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'figma');
    figma.removeApp(stored!.refreshToken!);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'figma', userId, () => file(browser));
  });

  it('disconnect deletes the tokens here and asks Figma nothing: it documents no revocation', async () => {
    const { browser, userId } = await signIn(person('1180245530021340576', 'Leaving Person'));
    await expectDisconnectAsksNothing(context, 'figma', { browser, userId });
  });

  standardCases(() => context, FIGMA, { cancelled: {}, refusedCode: { sentAs: "400 with Figma's error: true" } });
});

describeClientFailures(FIGMA, { wrongSecret: { sentAs: "401 with Figma's error: true" }, exchangeFailure: {} });
