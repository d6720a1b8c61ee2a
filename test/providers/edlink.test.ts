import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { EDLINK_ACCESS_TOKEN_SECONDS, startEdlinkEmulator, type EdlinkEmulator, type EdlinkPerson } from './edlink.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An Application ID and Secret Key of the kind the Edlink dashboard shows.
const CLIENT_ID = '3a95a779-0ed1-499b-a352-9ea30d0bd5ea';
const CLIENT_SECRET = 'kQ3vZ8pL1xR6tN9wB2mF5hJ7cD0gS4yUa8e2c6b1';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/edlink/callback`;

function person(n: number, firstName: string, lastName: string): EdlinkPerson {
  return { id: `af40a896-5f96-41ca-8031-${String(n).padStart(12, '0')}`, firstName, lastName, email: `${firstName.toLowerCase()}@school.example`, role: 'student' };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function edlinkEnv(edlink: EdlinkEmulator): Record<string, string> {
  return presetEnv('edlink', CLIENT_ID, CLIENT_SECRET, {
    EDLINK_AUTHORIZE_URL: `${edlink.origin}/sso/login`,
    EDLINK_ACCESS_TOKEN_URL: `${edlink.origin}/api/authentication/token`,
    EDLINK_API_BASE_URL: `${edlink.origin}/api/v2`,
  });
}

const EDLINK: StandardProvider<EdlinkPerson, EdlinkEmulator> = {
  preset: 'edlink',
  displayName: 'Edlink',
  startEmulator: () => startEdlinkEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: edlinkEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const classes = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/edlink/proxy/my/classes`);

describeEachDialect('Edlink, against an emulator of Edlink', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), EDLINK);
  const signIn = (user: EdlinkPerson) => signInAs(context, 'edlink', user);

  it("signs in as /my/profile's $data id, with the names and an unverified e-mail; no scope, no PKCE, the client in the body, the $data tokens unwrapped (60 minutes, a refresh token)", async () => {
    const { database, emulator: edlink, app } = context;
    const mabel = person(101, 'Mabel', 'Pines');
    const { userId, request } = await signIn(mabel);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.get('client_id')).toBe(CLIENT_ID);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(mabel.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: mabel.id, name: 'Mabel Pines', roles: ['student'] });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Mabel Pines', email: mabel.email });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'edlink');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, EDLINK_ACCESS_TOKEN_SECONDS - 100, EDLINK_ACCESS_TOKEN_SECONDS);
    const exchange = edlink.server.requests.find((r) => r.path === '/api/authentication/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const sent = edlink.tokenParameters[0]!;
    expect(sent.get('grant_type')).toBe('authorization_code');
    expect(sent.get('client_secret')).toBe(CLIENT_SECRET);
    expect(sent.get('redirect_uri')).toBe(REDIRECT_URI);
  });

  it('the same id is the same person after the source changes the e-mail', async () => {
    const dipper = person(105, 'Dipper', 'Pines');
    const first = await signIn(dipper);
    const again = await signIn({ ...dipper, email: 'mason.pines@school.example' });
    expect(again.userId).toBe(first.userId);
  });

  it('the proxy calls the User API; 20 concurrent calls on an expired token make one refresh, with the client in the body, and the refresh token held is kept', async () => {
    const { emulator: edlink } = context;
    const { browser, userId } = await signIn(person(102, 'Wendy', 'Corduroy'));
    const first = await classes(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ $data: [{ name: 'Algebra I' }] });
    const { after } = await expectKeptAfterStorm(context, 'edlink', userId, () => classes(browser));
    expectAccessTokenLifetime(after, EDLINK_ACCESS_TOKEN_SECONDS - 100, EDLINK_ACCESS_TOKEN_SECONDS);
    const refresh = edlink.tokenParameters.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
  });

  it("a User API call with a token Edlink does not take is its 400 INVALID_TOKEN in $errors, and the emulator takes no client by Basic", async () => {
    const { emulator: edlink } = context;
    const response = await fetch(`${edlink.origin}/api/v2/my/profile`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ $errors: [{ code: 'INVALID_TOKEN' }] });
    const basic = await fetch(`${edlink.origin}/api/authentication/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x' }),
    });
    expect(await basic.json()).toMatchObject({ $errors: [{ code: 'INVALID_CLIENT' }] });
  });

  it("the person's tokens ended at Edlink: the refresh is refused, and the connection needs re-auth after one try", async () => {
    const leaving = person(103, 'Soos', 'Ramirez');
    const { browser, userId } = await signIn(leaving);
    context.emulator.forget(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'edlink', userId, () => classes(browser));
  });

  it('disconnect asks Edlink nothing (it documents no revocation) and forgets the tokens', async () => {
    const { browser, userId } = await signIn(person(104, 'Stanford', 'Pines'));
    await expectDisconnectAsksNothing(context, 'edlink', { browser, userId });
  });

  it('/my/profile failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, EDLINK, person(110, 'Outage', 'Profile'), (edlink) => edlink.failNextProfile(500));
  });

  standardCases(() => context, EDLINK, { cancelled: {}, refusedCode: { sentAs: '400 INVALID_GRANT in $errors' } });
});

describeClientFailures(EDLINK, { wrongSecret: { sentAs: '400 INVALID_CLIENT in $errors' }, exchangeFailure: {} });

describe('Edlink in production', () => {
  it('with the client alone, signs in at ed.link/sso/login, reads ed.link/api/v2/my/profile and calls the User API there, with no scope and the client in the body', () => {
    const { settings } = presetInProduction('edlink', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Edlink',
      endpoints: { authorizationEndpoint: 'https://ed.link/sso/login', tokenEndpoint: 'https://ed.link/api/authentication/token', userinfoEndpoint: 'https://ed.link/api/v2/my/profile' },
      scope: '',
      apiBaseUrl: 'https://ed.link/api/v2',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
