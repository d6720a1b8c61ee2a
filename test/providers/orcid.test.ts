import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs, startProviderTestApp } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { ORCID_ACCESS_TOKEN_SECONDS, startOrcidEmulator, type OrcidEmulator, type OrcidResearcher } from './orcid.emulator.js';

// A client id and secret of the form ORCID's Developer Tools show (APP- and 16 characters; a UUID).
const CLIENT_ID = 'APP-NPXKK6HFN6TJ4YYI';
const CLIENT_SECRET = '7c1f3a52-98de-4b61-a0c7-5e2d9f4b8a13';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/orcid/callback`;

function researcher(id: number, givenNames: string, familyName: string): OrcidResearcher {
  return { orcid: `0000-0002-1825-${String(id).padStart(4, '0')}`, givenNames, familyName };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator. */
function orcidEnv(orcid: OrcidEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('orcid', CLIENT_ID, CLIENT_SECRET, {
    ORCID_AUTHORIZE_URL: `${orcid.origin}/oauth/authorize`,
    ORCID_ACCESS_TOKEN_URL: `${orcid.origin}/oauth/token`,
    ORCID_REVOCATION_URL: `${orcid.origin}/oauth/revoke`,
    ORCID_API_BASE_URL: `${orcid.origin}/v3.0`,
    ...extra,
  });
}

const ORCID: StandardProvider<OrcidResearcher, OrcidEmulator> = {
  preset: 'orcid',
  displayName: 'ORCID',
  startEmulator: () => startOrcidEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: orcidEnv,
  people: standardPeopleByNameParts(researcher),
  subjectOf: (someone) => someone.orcid,
};

const person = (browser: TestBrowser, orcid: string) => browser.get(`${APP_ORIGIN}/api/providers/orcid/proxy/${orcid}/person`, { headers: { accept: 'application/json' } });

describeEachDialect('ORCID, against an emulator of its OAuth and Public API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ORCID);
  const signIn = (someone: OrcidResearcher) => signInAs(context, 'orcid', someone);
  const tokenUrl = () => `${context.emulator.origin}/oauth/token`;

  it("signs in as the token answer's ORCID iD, named by its name, with no profile call and no e-mail; /authenticate asked without PKCE, the client in the form, a 20-year token with a refresh token", async () => {
    const { database, emulator: orcid, app } = context;
    const josiah = researcher(97, 'Josiah', 'Carberry');
    const { userId, request } = await signIn(josiah);
    expect(request.get('scope')).toBe('/authenticate');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('0000-0002-1825-0097');
    expect(JSON.parse(account.claims)).toEqual({ orcid: '0000-0002-1825-0097', name: 'Josiah Carberry' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Josiah Carberry', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'orcid');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: '/authenticate' });
    expectAccessTokenLifetime(token, ORCID_ACCESS_TOKEN_SECONDS - 100, ORCID_ACCESS_TOKEN_SECONDS);
    const exchange = orcid.server.requests.findLast((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const form = orcid.tokenForms.at(-1)!;
    expect({ grant_type: form.get('grant_type'), client_id: form.get('client_id'), client_secret: form.get('client_secret'), redirect_uri: form.get('redirect_uri') }).toEqual({ grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT_URI });
    expect(orcid.server.requests.some((r) => r.path.startsWith('/v3.0/'))).toBe(false);
  });

  it('a record whose name is not public signs in by the ORCID iD alone, unnamed; signing in again finds the same person', async () => {
    const { database } = context;
    const hidden = { ...researcher(98, 'Hidden', 'Name'), namePublic: false };
    const first = await signIn(hidden);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', first.userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ subject: hidden.orcid, claims: JSON.stringify({ orcid: hidden.orcid }) });
    const again = await signIn({ ...hidden, namePublic: true });
    expect(again.userId).toBe(first.userId);
  });

  it('the proxy reads the Public API with the token as Bearer; 20 concurrent calls on an expired token make one refresh with the client in the form, whose new refresh token is kept, and ORCID refuses the spent one', async () => {
    const { emulator: orcid } = context;
    const ada = researcher(102, 'Ada', 'Lovelace');
    const { browser, userId } = await signIn(ada);
    const first = await person(browser, ada.orcid);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ name: { 'given-names': { value: 'Ada' }, 'family-name': { value: 'Lovelace' } }, path: `/${ada.orcid}/person` });
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'orcid', userId, () => person(browser, ada.orcid));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expectAccessTokenLifetime(after, ORCID_ACCESS_TOKEN_SECONDS - 100, ORCID_ACCESS_TOKEN_SECONDS);
    const refresh = orcid.tokenForms.at(-1)!;
    expect({ grant_type: refresh.get('grant_type'), refresh_token: refresh.get('refresh_token'), client_id: refresh.get('client_id'), client_secret: refresh.get('client_secret') }).toEqual({ grant_type: 'refresh_token', refresh_token: before.refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!, { by: 'form' }))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('the client removed from the trusted parties in ORCID: the refused refresh marks the connection needs re-auth after one try', async () => {
    const { emulator: orcid } = context;
    const leaving = researcher(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    orcid.revokePermission(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'orcid', userId, () => person(browser, leaving.orcid));
  });

  it('disconnect revokes at /oauth/revoke with the client and the token in the form, and the pair ends', async () => {
    const { emulator: orcid } = context;
    const { browser, userId } = await signIn(researcher(104, 'Goodbye', 'Person'));
    const stored = await expectDisconnectRevokes(context, 'orcid', { browser, userId });
    const sent = orcid.revocationForms.at(-1)!;
    expect({ client_id: sent.get('client_id'), client_secret: sent.get('client_secret') }).toEqual({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(orcid.revocationForms.map((form) => form.get('token'))).toContain(stored.refreshToken);
    expect(orcid.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!, { by: 'form' })).status).toBe(400);
  });

  it("a Member API scope asked with a Public API client's credentials is sent back as invalid_scope, and the sign-in stores nothing", async () => {
    const { database, emulator: orcid } = context;
    const member = await startProviderTestApp({ databaseUrl: database.url, env: orcidEnv(orcid, { ORCID_SCOPE: '/read-limited' }) });
    try {
      orcid.signInAs(researcher(105, 'Not', 'Member'));
      const browser = member.browser();
      const start = await browser.get(`${APP_ORIGIN}/login/orcid?next=/api/me`, { followRedirects: false });
      expect(new URL(start.location!).searchParams.get('scope')).toBe('/read-limited');
      const sentBack = await fetch(start.location!, { redirect: 'manual' });
      expect(new URL(sentBack.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
      expect((await browser.get(start.location!)).status).not.toBe(200);
      expect(await database.db.selectFrom('accounts').select('subject').where('subject', '=', '0000-0002-1825-0105').executeTakeFirst()).toBeUndefined();
    } finally {
      await member.close();
    }
  });

  standardCases(() => context, ORCID, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(ORCID, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the orcid preset in production', () => {
  it('with the client alone, signs in and revokes at orcid.org and reads the Public API at pub.orcid.org/v3.0, asking /authenticate with no PKCE and the client in the form', () => {
    const { settings } = presetInProduction('orcid', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'ORCID',
      endpoints: {
        authorizationEndpoint: 'https://orcid.org/oauth/authorize',
        tokenEndpoint: 'https://orcid.org/oauth/token',
        revocationEndpoint: 'https://orcid.org/oauth/revoke',
      },
      scope: '/authenticate',
      apiBaseUrl: 'https://pub.orcid.org/v3.0',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'orcid',
    });
  });
});
