import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { CAPSULE_SUBDOMAIN, startCapsuleEmulator, type CapsuleEmulator, type CapsuleUser } from './capsule.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the form Capsule's developer portal shows for a registered web application.
const CLIENT_ID = '1bki1bki1bki8';
const CLIENT_SECRET = '4tlbky534tlbky534tlbky534tlbky534tlbky534tlbky533l';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/capsule/callback`;

function person(id: number, firstName: string, lastName: string): CapsuleUser {
  return { id: 12345000 + id, firstName, lastName, username: firstName.toLowerCase() };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the user moves with the API base). */
function capsuleEnv(capsule: CapsuleEmulator): Record<string, string> {
  return presetEnv('capsule', CLIENT_ID, CLIENT_SECRET, {
    CAPSULE_AUTHORIZE_URL: `${capsule.origin}/oauth/authorise`,
    CAPSULE_ACCESS_TOKEN_URL: `${capsule.origin}/oauth/token`,
    CAPSULE_REVOCATION_URL: `${capsule.origin}/oauth/token/revoke`,
    CAPSULE_API_BASE_URL: `${capsule.origin}/api/v2`,
  });
}

const CAPSULE: StandardProvider<CapsuleUser, CapsuleEmulator> = {
  preset: 'capsule',
  displayName: 'Capsule CRM',
  startEmulator: () => startCapsuleEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: capsuleEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => String(user.id),
};

const parties = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/capsule/proxy/parties`);

describeEachDialect('Capsule CRM, against an emulator of Capsule', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), CAPSULE);
  const signIn = (user: CapsuleUser) => signInAs(context, 'capsule', user);
  const tokenUrl = () => `${context.emulator.origin}/oauth/token`;

  it("signs in as the id of /api/v2/users/current with the name and username, no e-mail, the account's subdomain kept; read write asked with PKCE, the client in the form, a week's token with a refresh token", async () => {
    const { database, emulator: capsule, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('read write');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('12345101');
    expect(JSON.parse(account.claims)).toMatchObject({ id: '12345101', given_name: 'Ada', family_name: 'Lovelace', preferred_username: 'ada', subdomain: CAPSULE_SUBDOMAIN });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'capsule');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'read write' });
    expectAccessTokenLifetime(token, 604700, 604799);
    const exchange = capsule.server.requests.findLast((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(capsule.server.requests.findLast((r) => r.path === '/api/v2/users/current')!.headers.authorization).toMatch(/^Bearer /);
  });

  it('signing in again finds the same person by the id, whatever an administrator changed the username to', async () => {
    const first = await signIn(person(105, 'Grace', 'Hopper'));
    const second = await signIn({ ...person(105, 'Grace', 'Hopper'), username: 'admiral' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls API v2; 20 concurrent calls on an expired token make one refresh, whose new refresh token is kept, and the spent one is refused', async () => {
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const first = await parties(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ parties: [{ id: 11587, firstName: 'Scott' }] });
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'capsule', userId, () => parties(browser));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(after.scope).toBe('read write');
    expectAccessTokenLifetime(after, 604700, 604799);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!, { by: 'form' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the application removed from the person's Capsule account: the refused refresh marks the connection needs re-auth after one try", async () => {
    const { emulator: capsule } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    capsule.disconnectApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'capsule', userId, () => parties(browser));
  });

  it('disconnect revokes the refresh token, then the access token, at /oauth/token/revoke with the client in the form, and both end', async () => {
    const { emulator: capsule } = context;
    const { browser, userId } = await signIn(person(104, 'Radia', 'Perlman'));
    const stored = await expectDisconnectRevokes(context, 'capsule', { browser, userId }, { requests: 2 });
    expect(capsule.revocations.slice(-2)).toEqual([
      { token: stored.refreshToken, token_type_hint: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
      { token: stored.accessToken, token_type_hint: 'access_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
    ]);
    expect(capsule.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!, { by: 'form' })).status).toBe(400);
  });

  it('the current user failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, CAPSULE, person(110, 'Outage', 'Profile'), (capsule) => capsule.failNextProfile(500));
  });

  standardCases(() => context, CAPSULE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(CAPSULE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the capsule preset in production', () => {
  it("with the client alone, signs in at api.capsulecrm.com's OAuth endpoints, revokes at /oauth/token/revoke and calls API v2, asking read write with the client in the form", () => {
    const { settings } = presetInProduction('capsule', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Capsule CRM',
      endpoints: {
        authorizationEndpoint: 'https://api.capsulecrm.com/oauth/authorise',
        tokenEndpoint: 'https://api.capsulecrm.com/oauth/token',
        userinfoEndpoint: 'https://api.capsulecrm.com/api/v2/users/current',
        revocationEndpoint: 'https://api.capsulecrm.com/oauth/token/revoke',
      },
      scope: 'read write',
      apiBaseUrl: 'https://api.capsulecrm.com/api/v2',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
