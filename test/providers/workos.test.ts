import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startWorkosEmulator, WORKOS_ACCESS_TOKEN_TTL, type WorkosEmulator, type WorkosUser } from './workos.emulator.js';

// A Connect OAuth application's client id and secret as WorkOS's pages show them.
const CLIENT_ID = 'client_01JP8BD0CZ401TDF9X54NT5ZEK';
const CLIENT_SECRET = '1eaaf7a47948398d89e2b07dce912b6a9c0282aa20e88c026fcb42fd6b06b73e';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/workos/callback`;
const SCOPE = 'openid profile email offline_access';

function person(n: number, givenName: string, familyName: string): WorkosUser {
  const suffix = String(n).padStart(6, '0');
  return { id: `user_01JQ0E27VT3MH79RY0FV${suffix}`, organizationId: 'org_01HRDMC6CM357W30QMHMQ96Q0S', givenName, familyName, email: `${givenName.toLowerCase()}@example.com` };
}

/** The documented variables: the preset, the client, the AuthKit domain; the issuer (the emulator's origin stands for https://<domain>). */
function workosEnv(workos: WorkosEmulator): Record<string, string> {
  return presetEnv('workos', CLIENT_ID, CLIENT_SECRET, { WORKOS_DOMAIN: 'imaginative-palm-54.authkit.app', WORKOS_ISSUER: workos.issuer });
}

const refreshAtWorkos = (workos: WorkosEmulator, refreshToken: string) => refreshAtProvider(`${workos.issuer}/oauth2/token`, CLIENT, refreshToken, { by: 'form' });

const WORKOS: StandardProvider<WorkosUser, WorkosEmulator> = {
  preset: 'workos',
  displayName: 'WorkOS',
  startEmulator: () => startWorkosEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: workosEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('WorkOS AuthKit, against an emulator of an AuthKit domain with one Connect OAuth application', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), WORKOS);

  const signIn = (user: WorkosUser) => signInAs(context, 'workos', user);
  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/workos/proxy/oauth2/userinfo`);

  it("signs in through discovery at the AuthKit domain as the WorkOS user id sub, with the name and verified e-mail; offline_access with a nonce and no consent prompt, the client in the form body, WorkOS's five-minute JWT and a refresh token", async () => {
    const { database, emulator: workos, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe(SCOPE);
    expect(request.get('nonce')).toEqual(expect.any(String));
    expect(request.get('prompt')).toBeNull();
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ issuer: workos.issuer, subject: ada.id });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'workos');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: SCOPE });
    expectAccessTokenLifetime(token, WORKOS_ACCESS_TOKEN_TTL - 60, WORKOS_ACCESS_TOKEN_TTL);
    expect(decodeJwt(token!.accessToken)).toMatchObject({ sub: ada.id, aud: CLIENT_ID, org_id: ada.organizationId });
    const exchange = workos.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('the proxy reaches the userinfo on the AuthKit domain with the token', async () => {
    const grace = person(103, 'Grace', 'Hopper');
    const { browser } = await signIn(grace);
    const answer = await userinfo(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ sub: grace.id, email: 'grace@example.com', email_verified: true });
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token is kept and the spent one is refused', async () => {
    const { emulator: workos } = context;
    const { browser, userId } = await signIn(person(104, 'Alan', 'Turing'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'workos', userId, () => userinfo(browser));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(after.scope).toBe(SCOPE);
    expect(await statusAndBody(refreshAtWorkos(workos, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the person's authorization withdrawn: the refresh is refused, and the connection needs re-auth after one try", async () => {
    const leaving = person(105, 'Edsger', 'Dijkstra');
    const { browser, userId } = await signIn(leaving);
    context.emulator.revokeConsent(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'workos', userId, () => userinfo(browser));
  });

  it('disconnect asks WorkOS nothing (it documents no revocation), deletes the tokens here, and the refresh token still works there', async () => {
    const { emulator: workos, app } = context;
    const { browser, userId } = await signIn(person(106, 'Barbara', 'Liskov'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'workos');
    await expectDisconnectAsksNothing(context, 'workos', { browser, userId });
    expect(workos.accepts(stored!.accessToken)).toBe(true);
    expect((await refreshAtWorkos(workos, stored!.refreshToken!)).status).toBe(200);
  });

  standardCases(() => context, WORKOS, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant' } });
});

describeClientFailures(WORKOS, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the workos preset in production', () => {
  const { settings, refusal } = presetInProduction('workos', CLIENT);

  it('takes the AuthKit domain as issuer and API, and needs it', () => {
    expect(settings({ WORKOS_DOMAIN: 'imaginative-palm-54.authkit.app' })).toMatchObject({
      displayName: 'WorkOS',
      discovery: { issuer: 'https://imaginative-palm-54.authkit.app' },
      scope: SCOPE,
      apiBaseUrl: 'https://imaginative-palm-54.authkit.app',
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenNeedsConsent: false,
    });
    expect(refusal({})).toContain('WORKOS_DOMAIN');
    expect(refusal({ WORKOS_DOMAIN: 'https://imaginative-palm-54.authkit.app' })).toContain('WORKOS_DOMAIN is not a valid domain');
  });
});
