import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startCanvaEmulator, type CanvaEmulator, type CanvaUser } from './canva.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An id and secret of the forms the Developer Portal shows (the secret begins `cnvca`), with characters form-encoding would change: sent as they are in the Basic header, as Canva documents it.
const CLIENT_ID = 'OC-AZqU_faZd5bf';
const CLIENT_SECRET = 'cnvcaF9k2-Lq_7x.Zp3Vb8Nw4Ty6Rm1Hs0Jd5Gc';
const REDIRECT_URI = `${APP_ORIGIN}/auth/canva/callback`;
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(userId: string, displayName: string, teamId = 'Oi2RJILTrKk0KRhRUZozX'): CanvaUser {
  return { userId, teamId, displayName };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the profile moves with the API base). */
function canvaEnv(canva: CanvaEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('canva', CLIENT_ID, CLIENT_SECRET, {
    CANVA_AUTHORIZE_URL: `${canva.origin}/api/oauth/authorize`,
    CANVA_ACCESS_TOKEN_URL: `${canva.origin}/rest/v1/oauth/token`,
    CANVA_REVOCATION_URL: `${canva.origin}/rest/v1/oauth/revoke`,
    CANVA_API_BASE_URL: `${canva.origin}/rest`,
    ...extra,
  });
}

/** A refresh at Canva itself, as another copy of the token would make it. */
function refreshAtCanva(canva: CanvaEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${canva.origin}/rest/v1/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const CANVA: StandardProvider<CanvaUser, CanvaEmulator> = {
  preset: 'canva',
  displayName: 'Canva',
  startEmulator: () => startCanvaEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: canvaEnv,
  people: {
    cancelled: person('auChangedMind0000001', 'Changed Mind'),
    'refused-code': person('auRefusedCode000001', 'Refused Code'),
    'wrong-secret': person('auWrongSecret000001', 'Wrong Secret'),
    'exchange-failure': person('auOutagePerson00001', 'Outage Person'),
  },
  subjectOf: (user) => user.userId,
};

describeEachDialect('Canva, against an emulator of Canva', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), CANVA);

  const signIn = (user: CanvaUser) => signInAs(context, 'canva', user);
  const designs = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/canva/proxy/v1/designs`);

  it('signs in as the user_id of /v1/users/me with the display name of /v1/users/me/profile and no e-mail; PKCE S256, Basic credentials as they are, 4-hour tokens with a refresh token', async () => {
    const { database, emulator: canva, app } = context;
    const { userId, request } = await signIn(person('auDAbliZ2rQNNOsUl5OLu', 'Jane Doe'));
    expect(request.get('scope')).toBe('profile:read design:meta:read');
    expect(request.get('code_challenge')).toEqual(expect.any(String));
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('auDAbliZ2rQNNOsUl5OLu');
    expect(JSON.parse(account.claims)).toMatchObject({ user_id: 'auDAbliZ2rQNNOsUl5OLu', team_id: 'Oi2RJILTrKk0KRhRUZozX', display_name: 'Jane Doe' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: null, name: 'Jane Doe' });
    const token = await app.runtime.tokenStore.findToken(userId, 'canva');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'profile:read design:meta:read' });
    expectAccessTokenLifetime(token, 14_300, 14_400);
    const exchange = canva.server.requests.find((r) => r.path === '/rest/v1/oauth/token')!;
    expect(exchange.headers.authorization).toBe(basic);
  });

  it('the proxy reaches the Connect APIs; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and Canva refuses the old one', async () => {
    const { emulator: canva } = context;
    const { browser, userId } = await signIn(person('auStormRotating0001', 'Storm Person'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'canva', userId, () => designs(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ items: [{ id: 'DAFVztcvd9z', title: 'Poster of Storm Person', owner: { user_id: 'auStormRotating0001' } }] });
    expect(after.scope).toBe(before.scope);
    expect(await statusAndBody(refreshAtCanva(canva, before.refreshToken!))).toEqual({ status: 400, body: { code: 'invalid_grant', message: 'Refresh token is invalid' } });
  });

  it("a refresh token Canva refuses ({ code: invalid_grant }, read as RFC 6749's) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: canva, app } = context;
    const { browser, userId } = await signIn(person('auRefusedRefresh001', 'Refused Refresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'canva');
    // Rotated behind the app's back (another copy of the token used it): Canva no longer takes the stored one.
    expect((await refreshAtCanva(canva, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: canva }, 'canva', userId, () => designs(browser));
  });

  it('disconnect revokes at /v1/oauth/revoke with Basic, the refresh token first, which ends its lineage: neither token works afterwards', async () => {
    const { emulator: canva } = context;
    const { browser, userId } = await signIn(person('auLeavingPerson0001', 'Leaving Person'));
    const stored = await expectDisconnectRevokes(context, 'canva', { browser, userId }, { requests: 2 });
    const sent = canva.server.requests.filter((r) => r.path === '/rest/v1/oauth/revoke').slice(-2);
    expect(sent.map((r) => r.headers.authorization)).toEqual([basic, basic]);
    expect(canva.revoked.slice(-2)).toEqual([stored.refreshToken, stored.accessToken]);
    expect(canva.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtCanva(canva, stored.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, CANVA, { cancelled: {}, refusedCode: { sentAs: '400 { code: invalid_grant }' } });
});

describeEachDialect('Canva without profile:read', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: CANVA.startEmulator, env: (canva) => canvaEnv(canva, { CANVA_SCOPE: 'design:meta:read' }) });

  it("signs in by /v1/users/me alone, which needs no scope: the profile's 403 missing_scope leaves the name out", async () => {
    const { database, emulator: canva } = context;
    const { userId } = await signInAs(context, 'canva', person('auNoProfileScope001', 'Hidden Name'));
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('auNoProfileScope001');
    expect(JSON.parse(account.claims)).not.toHaveProperty('display_name');
    expect((await database.db.selectFrom('users').select(['name']).where('id', '=', userId).executeTakeFirstOrThrow()).name).toBeNull();
    expect(canva.server.counts.profile).toBe(1);
  });
});

describeClientFailures(CANVA, { wrongSecret: { sentAs: '401 { code: invalid_client }' }, exchangeFailure: {} });
