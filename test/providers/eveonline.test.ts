import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { DIALECTS, describeEachDialect } from '../support/postgres.js';
import { startEveEmulator, type EveCharacter, type EveEmulator } from './eveonline.emulator.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the forms EVE's developer site shows.
const CLIENT_ID = '3f9c2a7d1b8e4c6fa0d5e2b7c4a19f83';
const CLIENT_SECRET = 'eat_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5_1a2b3c';
const REDIRECT_URI = `${APP_ORIGIN}/auth/eveonline/callback`;
const WALLET = 'esi-wallet.read_character_wallet.v1';
const SCOPE = `publicData ${WALLET}`;

let nextCharacter = 2112000000;
function character(name: string, ownerHash = `${name.replace(/ /g, '')}Owner0Hash1=`): EveCharacter {
  nextCharacter += 1;
  return { characterId: nextCharacter, name, ownerHash, walletBalance: 1_250_000.5 };
}

/** Only the documented variables: the preset, the client, the SSO by its base URL, ESI by the API base, and the scopes. */
function eveEnv(eve: EveEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'eveonline',
    EVEONLINE_PRESET: 'eveonline',
    EVEONLINE_CLIENT_ID: CLIENT_ID,
    EVEONLINE_CLIENT_SECRET: CLIENT_SECRET,
    EVEONLINE_BASE_URL: eve.origin,
    EVEONLINE_API_BASE_URL: eve.origin,
    EVEONLINE_SCOPE: SCOPE,
  };
}

/** A refresh at the SSO itself, as another copy of the token would make it. */
function refreshAtEve(eve: EveEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${eve.origin}/v2/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const start = (issuerAsUrl = false) => startEveEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, scopes: ['publicData', WALLET], issuerAsUrl });

const EVE: StandardProvider<EveCharacter, EveEmulator> = {
  preset: 'eveonline',
  displayName: 'EVE Online',
  startEmulator: () => start(),
  env: eveEnv,
  people: {
    cancelled: character('Changed Mind'),
    'refused-code': character('Refused Code'),
    'wrong-secret': character('Wrong Secret'),
    'exchange-failure': character('Outage Pilot'),
  },
  subjectOf: (user) => `${user.characterId}:${user.ownerHash}`,
};

const wallet = (browser: TestBrowser, id: number) => browser.get(`${APP_ORIGIN}/api/providers/eveonline/proxy/characters/${id}/wallet/`);

describeEachDialect('EVE Online, against an emulator of the EVE SSO and ESI', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), EVE);

  const signIn = (user: EveCharacter) => signInAs(context, 'eveonline', user);

  it("signs in as the character of the code exchange's access token, keyed on its id and owner hash, named by it, no e-mail (EVE has none), the scope asked kept; PKCE S256, the client as Basic", async () => {
    const { database, emulator: eve, app } = context;
    const pilot = character('Rixx Javix');
    const { userId, request } = await signIn(pilot);
    expect(request.get('scope')).toBe(SCOPE);
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(`${pilot.characterId}:${pilot.ownerHash}`);
    expect(JSON.parse(account.claims)).toMatchObject({ character_id: pilot.characterId, owner_hash: pilot.ownerHash, name: 'Rixx Javix' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: null, name: 'Rixx Javix' });
    const token = await app.runtime.tokenStore.findToken(userId, 'eveonline');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: SCOPE });
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(1100);
    expect(lifetime).toBeLessThanOrEqual(1199);
    const exchange = eve.server.requests.find((r) => r.path === '/v2/oauth/token')!;
    expect(exchange.headers.authorization).toMatch(/^Basic /);
  });

  it('a character transferred to another EVE account (a new owner hash) signs in as a new user, never as the account its old owner made', async () => {
    const { database } = context;
    const sold = character('Traded Pilot', 'FirstOwnerHash00000000000=');
    const first = await signIn(sold);
    const second = await signIn({ ...sold, ownerHash: 'SecondOwnerHash0000000000=' });
    expect(second.userId).not.toBe(first.userId);
    const subjects = await database.db.selectFrom('accounts').select(['user_id', 'subject']).where('provider', '=', 'eveonline').where('subject', 'like', `${sold.characterId}:%`).orderBy('subject').execute();
    expect(subjects).toEqual([
      { user_id: first.userId, subject: `${sold.characterId}:FirstOwnerHash00000000000=` },
      { user_id: second.userId, subject: `${sold.characterId}:SecondOwnerHash0000000000=` },
    ]);
    expect((await signIn({ ...sold, ownerHash: 'FirstOwnerHash00000000000=' })).userId).toBe(first.userId);
  });

  it('the proxy calls ESI; 20 concurrent calls on an expired token make one refresh, whose new refresh token is kept; the one used is refused at the SSO', async () => {
    const { emulator: eve } = context;
    const pilot = character('Wallet Watcher');
    const { browser, userId } = await signIn(pilot);
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'eveonline', userId, () => wallet(browser, pilot.characterId));
    expect(JSON.parse(answers[0]!.text)).toBe(1_250_000.5);
    expect(after.scope).toBe(SCOPE);
    expect((await refreshAtEve(eve, before.refreshToken!)).status).toBe(400);
  });

  it("the application revoked on EVE's support site marks the connection 'needs re-auth' after one refresh the SSO refuses (invalid_grant)", async () => {
    const { emulator: eve } = context;
    const leaving = character('Leaving Pilot');
    const { browser, userId } = await signIn(leaving);
    eve.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'eveonline', userId, () => wallet(browser, leaving.characterId));
  });

  it('disconnect revokes at /v2/oauth/revoke (RFC 7009, the client as Basic): the refresh token first, which ends the grant', async () => {
    const { emulator: eve, app } = context;
    const { browser, userId } = await signIn(character('Goodbye Pilot'));
    const token = await app.runtime.tokenStore.findToken(userId, 'eveonline');
    const revocations = eve.revocations.length;
    expect(await disconnectThrough(browser, 'eveonline')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(eve.revocations.slice(revocations).map((form) => [form.get('token'), form.get('token_type_hint')])).toEqual([
      [token!.refreshToken, 'refresh_token'],
      [token!.accessToken, 'access_token'],
    ]);
    expect((await refreshAtEve(eve, token!.refreshToken!)).status).toBe(400);
    expect(await app.runtime.tokenStore.findToken(userId, 'eveonline')).toBeUndefined();
  });

  standardCases(() => context, EVE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describe('EVE Online, its SSO naming itself by URL in the access token', () => {
  const context = useProviderTest(() => DIALECTS[0]!.openTestDatabase(), { ...EVE, startEmulator: () => start(true) });

  it('takes an issuer that is the SSO URL as well as one that is its host name', async () => {
    const pilot = character('Url Pilot');
    const { userId } = await signInAs(context, 'eveonline', pilot);
    const account = await context.database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(`${pilot.characterId}:${pilot.ownerHash}`);
  });
});

describeClientFailures(EVE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
