import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { SMART_ACCESS_TOKEN_SECONDS, startSmartEmulator, type SmartEmulator, type SmartUser } from './smart_on_fhir.emulator.js';

// A client registered at the EHR as a symmetric confidential client (the id with a `-`, which plain Basic keeps).
const CLIENT_ID = 'demo-app-whatever';
const CLIENT_SECRET = 'secret-key-1234567890';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/smart_on_fhir/callback`;
// The preset's scopes with the app's own data scopes, as <NAME>_SCOPE adds them.
const SCOPE = 'openid fhirUser offline_access launch/patient patient/*.rs';

function person(id: number, name: string): SmartUser {
  return { sub: `smart-user-${String(id).padStart(6, '0')}`, fhirUser: `Patient/${87_000 + id}`, patient: String(87_000 + id), name };
}

/** The documented variables: the preset, the client, the FHIR base URL and the app's scopes. */
function smartEnv(ehr: SmartEmulator): Record<string, string> {
  return presetEnv('smart_on_fhir', CLIENT_ID, CLIENT_SECRET, { SMART_ON_FHIR_BASE_URL: ehr.fhirBase, SMART_ON_FHIR_SCOPE: SCOPE });
}

const SMART: StandardProvider<SmartUser, SmartEmulator> = {
  preset: 'smart_on_fhir',
  displayName: 'SMART on FHIR',
  startEmulator: () => startSmartEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: smartEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.sub,
};

describeEachDialect('SMART on FHIR, against an emulator of a SMART App Launch 2.0 EHR', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SMART);

  const signIn = (user: SmartUser) => signInAs(context, 'smart_on_fhir', user);
  const patient = (browser: TestBrowser, id: string) => browser.get(`${APP_ORIGIN}/api/providers/smart_on_fhir/proxy/Patient/${id}`);

  it("signs in through the smart-configuration as the ID token's sub under the EHR's issuer, fhirUser and the patient in context kept; aud the FHIR base, S256 PKCE and state; the client by plain Basic; a refresh token", async () => {
    const { database, emulator: ehr, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(Object.fromEntries(request)).toMatchObject({ scope: SCOPE, aud: ehr.fhirBase, response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, code_challenge_method: 'S256' });
    expect(request.get('state')).toEqual(expect.any(String));
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: ehr.issuer, subject: ada.sub });
    expect(JSON.parse(account.claims)).toMatchObject({ sub: ada.sub, fhirUser: ada.fhirUser, patient: ada.patient });
    const user = await database.db.selectFrom('users').select(['name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.name).toBe('Ada Lovelace');
    const exchange = ehr.server.requests.findLast((r) => r.path === '/auth/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    const token = await app.runtime.tokenStore.findToken(userId, 'smart_on_fhir');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: SCOPE });
    expect(decodeJwt(token!.idToken!)).toMatchObject({ iss: ehr.issuer, fhirUser: ada.fhirUser });
    expectAccessTokenLifetime(token, SMART_ACCESS_TOKEN_SECONDS - 100, SMART_ACCESS_TOKEN_SECONDS);
  });

  it('signing in again finds the same person by the sub', async () => {
    const { database } = context;
    const first = await signIn(person(105, 'Grace Hopper'));
    const second = await signIn(person(105, 'Grace Hopper'));
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', 'smart_on_fhir').where('subject', '=', person(105, 'Grace Hopper').sub).execute()).toHaveLength(1);
  });

  it('the proxy reads the patient in context from the FHIR server; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept and the old one refused', async () => {
    const { emulator: ehr } = context;
    const alan = person(102, 'Alan Turing');
    const { browser, userId } = await signIn(alan);
    const { before, answers } = await expectRotatedAfterStorm(context, 'smart_on_fhir', userId, () => patient(browser, alan.patient));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ resourceType: 'Patient', id: alan.patient });
    expect(ehr.server.requests.findLast((r) => r.path.startsWith('/fhir/Patient/'))!.headers.authorization).toMatch(/^Bearer /);
    expect(await statusAndBody(refreshAtProvider(`${ehr.issuer}/token`, CLIENT, before.refreshToken!, { by: 'basic' }))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("once the EHR ends the grant, the refresh it refuses marks the connection 'needs re-auth'", async () => {
    const leaving = person(103, 'Edsger Dijkstra');
    const { browser, userId } = await signIn(leaving);
    context.emulator.endAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'smart_on_fhir', userId, () => patient(browser, leaving.patient));
  });

  it('disconnect revokes at the revocation endpoint the smart-configuration names (RFC 7009): the grant ends at the EHR', async () => {
    const { emulator: ehr } = context;
    const barbara = person(104, 'Barbara Liskov');
    const { browser, userId } = await signIn(barbara);
    const stored = await expectDisconnectRevokes(context, 'smart_on_fhir', { browser, userId });
    expect(ehr.accepts(stored.accessToken)).toBe(false);
    expect(ehr.liveGrants(barbara)).toBe(0);
  });

  it('the EHR refuses an authorization request without aud, without PKCE or with plain PKCE', async () => {
    const { emulator: ehr } = context;
    const base = { client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid fhirUser', state: 'state-1' };
    const cases: Array<Record<string, string>> = [
      { code_challenge: 'abc', code_challenge_method: 'S256' },
      { aud: ehr.fhirBase },
      { aud: ehr.fhirBase, code_challenge: 'abc', code_challenge_method: 'plain' },
      { aud: `${ehr.fhirBase}/other`, code_challenge: 'abc', code_challenge_method: 'S256' },
    ];
    for (const extra of cases) {
      const answer = await fetch(`${ehr.origin}/auth/authorize?${new URLSearchParams({ ...base, ...extra })}`, { redirect: 'manual' });
      expect(new URL(answer.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    }
  });

  standardCases(() => context, SMART, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(SMART, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the smart_on_fhir preset in production', () => {
  it("discovers the FHIR base URL's smart-configuration, aud the FHIR base, openid fhirUser offline_access", () => {
    expect(presetInProduction('smart_on_fhir', CLIENT).settings({ SMART_ON_FHIR_BASE_URL: 'https://fhir.ehr.example.org/r4/' })).toMatchObject({
      displayName: 'SMART on FHIR',
      discovery: { metadataUrl: 'https://fhir.ehr.example.org/r4/.well-known/smart-configuration' },
      scope: 'openid fhirUser offline_access',
      authorizationParams: { aud: 'https://fhir.ehr.example.org/r4' },
      apiBaseUrl: 'https://fhir.ehr.example.org/r4',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it('needs the FHIR base URL', () => {
    expect(presetInProduction('smart_on_fhir', CLIENT).refusal({})).toMatch(/SMART_ON_FHIR_BASE_URL/);
  });
});
