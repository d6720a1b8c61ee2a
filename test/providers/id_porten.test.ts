import { expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { ID_PORTEN_ACCESS_TOKEN_SECONDS, startIdPortenEmulator, type IdPortenEmulator, type IdPortenUser } from './id_porten.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type ProviderUnderTest } from './kit/standard-cases.js';

const CLIENT_ID = 'democlient_idporten_test';
const CLIENT_SECRET = 'a1f0c3e2-7d4b-4a8e-9c1f-2b3d4e5f6a7b';
const REDIRECT_URI = `${APP_ORIGIN}/auth/id_porten/callback`;

function person(id: number): IdPortenUser {
  return { sub: `qD-kwgr3FcGA9zy4M7O_4Dco95Uobipd0RJeHSWypG5BL0VrsSND4Pppa2ZInbDyTGfo0Anc${String(id).padStart(6, '0')}`, pid: `479067${String(id).padStart(5, '0')}`, amr: 'TestID', acr: 'idporten-loa-substantial' };
}

const ID_PORTEN: ProviderUnderTest<IdPortenUser, IdPortenEmulator> = {
  preset: 'id_porten',
  displayName: 'ID-porten',
  people: standardPeople((id) => person(id)),
  subjectOf: (user) => user.sub,
};

describeEachDialect('ID-porten, against an emulator of its OpenID provider', (dialect) => {
  /** Only the documented variables: the preset, the client and ID_PORTEN_BASE_URL (as for the test environment). */
  const env = (emulator: IdPortenEmulator) => presetEnv('id_porten', CLIENT_ID, CLIENT_SECRET, { ID_PORTEN_BASE_URL: emulator.origin });
  const context = useProviderTest(
    () => dialect.openTestDatabase(),
    { startEmulator: () => startIdPortenEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }), env },
    { misconfiguredEnv: () => ({ ID_PORTEN_CLIENT_SECRET: 'not-the-secret' }) },
  );

  const signIn = (user: IdPortenUser) => signInAs(context, 'id_porten', user);
  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/id_porten/proxy/userinfo`);

  it('signs in through discovery as the pairwise sub, with pid and acr kept; openid profile, S256 PKCE, state and nonce; the client by Basic; the callback with iss', async () => {
    const { database, emulator: idporten, app } = context;
    const ada = person(101);
    const { userId, request } = await signIn(ada);
    expect(Object.fromEntries(request)).toMatchObject({ scope: 'openid profile', response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, code_challenge_method: 'S256' });
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.get('nonce')).toEqual(expect.any(String));
    expect(request.get('code_challenge')).not.toMatch(/=$/);
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: idporten.issuer, subject: ada.sub });
    expect(JSON.parse(account.claims)).toMatchObject({ sub: ada.sub, pid: ada.pid, locale: 'nb' });
    const exchange = idporten.server.requests.findLast((r) => r.path === '/token')!;
    expect(exchange.headers.authorization).toMatch(/^Basic /);
    const token = await app.runtime.tokenStore.findToken(userId, 'id_porten');
    expect(token?.refreshToken).toEqual(expect.any(String));
    expectAccessTokenLifetime(token, ID_PORTEN_ACCESS_TOKEN_SECONDS - 100, ID_PORTEN_ACCESS_TOKEN_SECONDS);
  });

  it('signing in again finds the same person by the sub', async () => {
    const { database } = context;
    const first = await signIn(person(105));
    const second = await signIn(person(105));
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', 'id_porten').where('subject', '=', person(105).sub).execute()).toHaveLength(1);
  });

  it('the proxy reads /userinfo with the token as Bearer', async () => {
    const { emulator: idporten } = context;
    const edsger = person(102);
    const { browser } = await signIn(edsger);
    const answer = await userinfo(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ sub: edsger.sub, pid: edsger.pid, locale: 'nb' });
    expect(idporten.server.requests.findLast((r) => r.path === '/userinfo')!.headers.authorization).toMatch(/^Bearer /);
  });

  it('20 calls after the token ends make one refresh; the new refresh token is kept and the spent one refused', async () => {
    const { emulator: idporten } = context;
    const { browser, userId } = await signIn(person(103));
    const { before } = await expectRotatedAfterStorm(context, 'id_porten', userId, () => userinfo(browser));
    const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
    const replay = await fetch(`${idporten.origin}/token`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: before.refreshToken! }) });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('once ID-porten stops taking the grant, the refresh it refuses marks the connection needs re-auth', async () => {
    const { emulator: idporten, database } = context;
    const leaving = person(104);
    const { browser, userId } = await signIn(leaving);
    idporten.endSessionOf(leaving);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'id_porten', userId, () => userinfo(browser));
  });

  it('ID-porten refuses an authorization request without PKCE, or with a padded challenge, sending back iss', async () => {
    const { emulator: idporten } = context;
    const base = { client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid', state: 'state-1', nonce: 'nonce-1' };
    const cases: Array<Record<string, string>> = [{}, { code_challenge: 'abc=', code_challenge_method: 'S256' }, { code_challenge: 'abc', code_challenge_method: 'plain' }];
    for (const extra of cases) {
      const answer = await fetch(`${idporten.origin}/authorize?${new URLSearchParams({ ...base, ...extra })}`, { redirect: 'manual' });
      const back = new URL(answer.headers.get('location')!);
      expect(back.searchParams.get('error')).toBe('invalid_request');
      expect(back.searchParams.get('iss')).toBe(idporten.issuer);
    }
  });

  it('disconnect asks ID-porten nothing (no revocation endpoint in its metadata) and deletes the stored token', async () => {
    const signedIn = await signIn(person(107));
    await expectDisconnectAsksNothing(context, 'id_porten', signedIn);
  });

  standardCases(() => context, ID_PORTEN, {
    cancelled: {},
    refusedCode: { sentAs: '400 invalid_grant' },
    wrongSecret: { sentAs: '401 invalid_client' },
    exchangeFailure: {},
  });
});

it('in production the preset is idporten.no, ID_PORTEN_BASE_URL the test environment', () => {
  const base = { ID_PORTEN_PRESET: 'id_porten', ID_PORTEN_CLIENT_ID: CLIENT_ID, ID_PORTEN_CLIENT_SECRET: CLIENT_SECRET };
  expect(providerSettings(base, 'id_porten', true)).toMatchObject({ discovery: { issuer: 'https://idporten.no' }, scope: 'openid profile', tokenEndpointAuthMethod: 'client_secret_basic', apiBaseUrl: 'https://idporten.no' });
  expect(providerSettings({ ...base, ID_PORTEN_BASE_URL: 'https://test.idporten.no/' }, 'id_porten', true)).toMatchObject({ discovery: { issuer: 'https://test.idporten.no' }, apiBaseUrl: 'https://test.idporten.no' });
});
