import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startBrightspaceEmulator, type BrightspaceEmulator, type BrightspaceUser } from './brightspace.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An app registered in Manage Extensibility: a GUID client id and a secret of letters, digits, `-` and `_`.
const CLIENT_ID = '4f2a9c1e-7b3d-4e8a-9f60-2c1d5e7a8b90';
const CLIENT_SECRET = 'Zq7-Lm2Np9Rs4Tv6_Wy8Za1Bc3De5Fg0HjKx2Cv4Bn6';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/brightspace/callback`;

function person(id: number, firstName: string, lastName: string): BrightspaceUser {
  return { identifier: String(id), firstName, lastName, uniqueName: `${firstName[0]!.toLowerCase()}${lastName.toLowerCase()}`, courses: [`${lastName} 101`] };
}

/** Only the documented variables: the preset, the app, the instance, and the authentication service's two endpoints pointed at the emulator. */
function brightspaceEnv(brightspace: BrightspaceEmulator): Record<string, string> {
  return presetEnv('brightspace', CLIENT_ID, CLIENT_SECRET, {
    BRIGHTSPACE_BASE_URL: brightspace.instanceOrigin,
    BRIGHTSPACE_AUTHORIZE_URL: `${brightspace.origin}/oauth2/auth`,
    BRIGHTSPACE_ACCESS_TOKEN_URL: `${brightspace.origin}/core/connect/token`,
  });
}

const subjectAt = (brightspace: BrightspaceEmulator, user: BrightspaceUser) => `${user.identifier}@${new URL(brightspace.instanceOrigin).host}`;

let started: BrightspaceEmulator | undefined;
const BRIGHTSPACE: StandardProvider<BrightspaceUser, BrightspaceEmulator> = {
  preset: 'brightspace',
  displayName: 'D2L Brightspace',
  startEmulator: async () => (started = await startBrightspaceEmulator({ ...CLIENT, redirectUri: REDIRECT_URI, registeredScopes: ['core:*:*'] })),
  env: brightspaceEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => subjectAt(started!, user),
};

const enrollments = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/brightspace/proxy/lp/1.0/enrollments/myenrollments/`);

describeEachDialect('D2L Brightspace, against an emulator of its authentication service and one instance', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), BRIGHTSPACE);
  const signIn = (user: BrightspaceUser) => signInAs(context, 'brightspace', user);
  const tokenUrl = () => `${context.emulator.origin}/core/connect/token`;

  it("signs in as whoami's Identifier at the instance's host, with the first and last names and the username, no e-mail; core:*:* with PKCE, the client as Basic, an hour's token and a refresh token", async () => {
    const { database, emulator: brightspace, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('core:*:*');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(`101@${new URL(brightspace.instanceOrigin).host}`);
    expect(JSON.parse(account.claims)).toMatchObject({ identifier: '101', preferred_username: 'alovelace', given_name: 'Ada', family_name: 'Lovelace' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'brightspace');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'core:*:*' });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = brightspace.server.requests.findLast((r) => r.path === '/core/connect/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(brightspace.instance.requests.findLast((r) => r.path === '/d2l/api/lp/1.0/users/whoami')!.headers.authorization).toMatch(/^Bearer /);
  });

  it('signing in again finds the same person by the qualified Identifier, whatever the username became', async () => {
    const first = await signIn(person(105, 'Grace', 'Hopper'));
    const second = await signIn({ ...person(105, 'Grace', 'Hopper'), uniqueName: 'admiral' });
    expect(second.userId).toBe(first.userId);
  });

  it("the proxy calls the instance's API under /d2l/api; 20 concurrent calls on an expired token make one refresh, which rotates the refresh token: the old one is refused", async () => {
    const { emulator: brightspace } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const first = await enrollments(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ Items: [{ OrgUnit: { Name: 'Turing 101' } }] });
    const { before, answers } = await expectRotatedAfterStorm(context, 'brightspace', userId, () => enrollments(browser));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    expect(brightspace.accepts(before.accessToken)).toBe(true);
  });

  it("the app's access revoked for the person: the refused refresh marks the connection needs re-auth after one try", async () => {
    const { emulator: brightspace } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    brightspace.revokeAccessOf(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'brightspace', userId, () => enrollments(browser));
  });

  it('disconnect asks D2L nothing (it documents no revocation) and deletes the tokens here', async () => {
    const signedIn = await signIn(person(104, 'Radia', 'Perlman'));
    await expectDisconnectAsksNothing(context, 'brightspace', signedIn);
  });

  standardCases(() => context, BRIGHTSPACE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(BRIGHTSPACE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the brightspace preset in production', () => {
  const { settings, refusal } = presetInProduction('brightspace', CLIENT);

  it("takes the instance's URL, and needs it; authorization and tokens stay at D2L's one authentication service", () => {
    expect(settings({ BRIGHTSPACE_BASE_URL: 'https://myschool.brightspace.com/' })).toMatchObject({
      displayName: 'D2L Brightspace',
      endpoints: {
        authorizationEndpoint: 'https://auth.brightspace.com/oauth2/auth',
        tokenEndpoint: 'https://auth.brightspace.com/core/connect/token',
        userinfoEndpoint: 'https://myschool.brightspace.com/d2l/api/lp/1.0/users/whoami',
      },
      apiBaseUrl: 'https://myschool.brightspace.com/d2l/api',
      basicCredentials: 'plain',
    });
    expect(refusal({})).toContain('BRIGHTSPACE_BASE_URL');
  });
});
