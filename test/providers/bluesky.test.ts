import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { expect, it } from 'vitest';
import { injectFetch } from '../support/inject-fetch.js';
import { describeEachDialect } from '../support/postgres.js';
import { expireStoredAccessToken } from '../support/signed-in.js';
import { startBlueskyEmulator, BLUESKY_ACCESS_TOKEN_SECONDS, randomPlcDid, type BlueskyEmulator, type BlueskyUser } from './bluesky.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { APP_ORIGIN, signInAs, type ProviderTestApp } from './kit/provider-app.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { expectAccessTokenLifetime, rowCounts, standardCases, standardPeople, useProviderTest, type StandardContext, type StandardProvider } from './kit/standard-cases.js';

const METADATA_URL = `${APP_ORIGIN}/auth/bluesky/client-metadata.json`;
const REDIRECT_URI = `${APP_ORIGIN}/auth/bluesky/callback`;

function person(id: number, name: string): BlueskyUser {
  const handle = `${name.toLowerCase().replaceAll(' ', '-')}-${id}.bsky.social`;
  return { did: randomPlcDid(), handle, displayName: name, email: `${handle}@mail.test`, emailConfirmed: true };
}

/** The emulator, fetching the app's client metadata document from the app under test (`app`, once it has started). */
function startEmulator(app: () => ProviderTestApp): Promise<BlueskyEmulator> {
  return startBlueskyEmulator({ fetchClientMetadata: (url) => injectFetch(app().runtime.app, APP_ORIGIN)(url) });
}

/** Only the documented variables: the preset, the entryway and the PLC directory pointed at the emulator. No client id: it is the document's URL. */
function blueskyEnv(bluesky: BlueskyEmulator, more: Record<string, string> = {}): Record<string, string> {
  return { OAUTH_PROVIDERS: 'bluesky', BLUESKY_PRESET: 'bluesky', BLUESKY_ISSUER: bluesky.issuer, BLUESKY_PLC_URL: bluesky.plc.origin, ...more };
}

const people = standardPeople(person);

function provider(app: () => ProviderTestApp, more: Record<string, string> = {}): StandardProvider<BlueskyUser, BlueskyEmulator> {
  return { preset: 'bluesky', displayName: 'Bluesky', startEmulator: () => startEmulator(app), env: (emulator) => blueskyEnv(emulator, more), people, subjectOf: (user) => user.did };
}

const listRecords = (did: string) => `${APP_ORIGIN}/api/providers/bluesky/proxy/xrpc/com.atproto.repo.listRecords?repo=${did}&collection=app.bsky.feed.post`;

describeEachDialect('Bluesky (a public client), against an emulator of the entryway, a PDS and the PLC directory', (dialect) => {
  const context: StandardContext<BlueskyEmulator> = useProviderTest(() => dialect.openTestDatabase(), provider(() => context.app));
  const BLUESKY = provider(() => context.app);

  it("signs in as the token answer's DID, verified at its PDS, named by its handle: PAR with a DPoP proof, the client id the app's metadata document, tokens bound to the connection's key", async () => {
    const { database, emulator: bluesky, app } = context;
    const ada = person(1, 'Ada Lovelace');
    const { userId, request } = await signInAs(context, 'bluesky', ada);
    // The browser carries the client id and the pushed request's URI alone.
    expect([...request.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(request.get('client_id')).toBe(METADATA_URL);
    const pushed = bluesky.parForms.at(-1)!;
    expect(Object.fromEntries(pushed)).toMatchObject({ client_id: METADATA_URL, redirect_uri: REDIRECT_URI, scope: 'atproto transition:generic', response_type: 'code', code_challenge_method: 'S256' });
    expect(pushed.has('client_secret')).toBe(false);
    expect(bluesky.metadataFetches).toContain(METADATA_URL);

    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.did);
    expect(JSON.parse(account.claims)).toMatchObject({ did: ada.did, handle: ada.handle });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    // The scope does not reach the e-mail (transition:email).
    expect(user).toEqual({ name: ada.handle, email: null });

    const token = (await app.runtime.tokenStore.findToken(userId, 'bluesky'))!;
    expect(token).toMatchObject({ tokenType: 'dpop', refreshToken: expect.any(String), apiBaseUrl: bluesky.pds.origin, scope: 'atproto transition:generic' });
    expectAccessTokenLifetime(token, BLUESKY_ACCESS_TOKEN_SECONDS - 100, BLUESKY_ACCESS_TOKEN_SECONDS);
    // The code exchange was proven with the key PAR was, and the token is bound to the key the connection keeps.
    const proofs = bluesky.asProofs.filter((proof) => proof.check.ok);
    const parKey = proofs.findLast((proof) => proof.path === '/oauth/par')!.check;
    const tokenKey = proofs.findLast((proof) => proof.path === '/oauth/token')!.check;
    expect(parKey.ok && tokenKey.ok && parKey.jkt === tokenKey.jkt).toBe(true);
    expect(bluesky.boundKey(token.accessToken)).toBe(parKey.ok ? parKey.jkt : undefined);
    expect(JSON.parse(token.dpopKey!)).toMatchObject({ kty: 'EC', crv: 'P-256', d: expect.any(String) });
  });

  it("serves the client metadata document the entryway reads: a public web client of the app's callback, scope and DPoP", async () => {
    const answer = await context.app.browser().get(METADATA_URL);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('public, max-age=600');
    expect(JSON.parse(answer.text)).toEqual({
      client_id: METADATA_URL,
      client_uri: APP_ORIGIN,
      application_type: 'web',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: 'atproto transition:generic',
      token_endpoint_auth_method: 'none',
      dpop_bound_access_tokens: true,
    });
  });

  it("calls the person's PDS through the proxy with the token as DPoP and a proof for each call, taking the PDS's nonce", async () => {
    const { emulator: bluesky } = context;
    const grace = person(2, 'Grace Hopper');
    const { browser } = await signInAs(context, 'bluesky', grace);
    const answer = await browser.get(listRecords(grace.did));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ records: [] });
    const call = bluesky.pds.requests.findLast((request) => request.path.startsWith('/xrpc/com.atproto.repo.listRecords'))!;
    expect(call.headers.authorization).toMatch(/^DPoP /);
    expect(decodeJwt(call.headers.dpop as string)).toMatchObject({ htm: 'GET', ath: expect.any(String), nonce: expect.any(String) });
  });

  it('20 concurrent calls on an expired token make one refresh, with the same key, whose new single-use refresh token is kept', async () => {
    const grace = person(3, 'Grace Refresh');
    const { browser, userId } = await signInAs(context, 'bluesky', grace);
    const { before, after } = await expectRotatedAfterStorm(context, 'bluesky', userId, () => browser.get(listRecords(grace.did)));
    expect(after.dpopKey).toBe(before.dpopKey);
    expect(context.emulator.boundKey(after.accessToken)).toBeDefined();
  });

  it('an account whose PDS names another authorization server is refused: this server cannot speak for it, and nothing is kept', async () => {
    const { database, emulator: bluesky, app } = context;
    const mallory = person(4, 'Mallory');
    bluesky.addUser(mallory);
    const foreign = await bluesky.startForeignPds('https://elsewhere.example');
    bluesky.movePds(mallory, foreign.origin);
    const before = await rowCounts(database);
    bluesky.signInAs(mallory);
    const browser = app.browser();
    const page = await browser.get(`${APP_ORIGIN}/login/bluesky`);
    expect(page.status).toBe(502);
    expect(page.text).toContain('whose authorization server is not');
    expect(await rowCounts(database)).toEqual(before);
  });

  it('an account its server moved to another of its PDSes is called there from the next refresh on, found again from the refresh answer', async () => {
    const { emulator: bluesky, app, database } = context;
    const moved = person(8, 'Mo Ved');
    const { browser, userId } = await signInAs(context, 'bluesky', moved);
    const second = await bluesky.startSecondPds();
    bluesky.movePds(moved, second.origin);
    const calledThere = () => second.requests.filter((request) => request.path.startsWith('/xrpc/com.atproto.repo.listRecords')).length;
    // Until the next refresh, the connection calls the PDS it was verified at.
    expect((await browser.get(listRecords(moved.did))).status).toBe(200);
    expect(calledThere()).toBe(0);
    await expireStoredAccessToken(database, userId, 'bluesky');
    const refreshes = bluesky.server.counts.refresh_token ?? 0;
    expect((await browser.get(listRecords(moved.did))).status).toBe(200);
    expect(bluesky.server.counts.refresh_token).toBe(refreshes + 1);
    // Its first request there learns that PDS's DPoP nonce.
    expect(calledThere()).toBeGreaterThan(0);
    expect((await app.runtime.tokenStore.findToken(userId, 'bluesky'))!.apiBaseUrl).toBe(second.origin);
  });

  it('a refresh whose account is now hosted where this server cannot speak for it keeps its new tokens and the PDS it had', async () => {
    const { emulator: bluesky, app, database } = context;
    const leaving = person(9, 'Lee Ving');
    const { browser, userId } = await signInAs(context, 'bluesky', leaving);
    const before = (await app.runtime.tokenStore.findToken(userId, 'bluesky'))!;
    const foreign = await bluesky.startForeignPds('https://elsewhere.example');
    bluesky.movePds(leaving, foreign.origin);
    await expireStoredAccessToken(database, userId, 'bluesky');
    expect((await browser.get(listRecords(leaving.did))).status).toBe(200);
    const after = (await app.runtime.tokenStore.findToken(userId, 'bluesky'))!;
    // The single-use refresh token was spent: the new one is what the connection has now.
    expect(after).toMatchObject({ status: 'active', apiBaseUrl: bluesky.pds.origin });
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(bluesky.accepts(after.accessToken)).toBe(true);
  });

  it("disconnect revokes the grant at the entryway (RFC 7009), with a proof of the connection's key, without which it would end nothing", async () => {
    const { emulator: bluesky } = context;
    const linus = person(5, 'Linus');
    const signedIn = await signInAs(context, 'bluesky', linus);
    const stored = await expectDisconnectRevokes(context, 'bluesky', signedIn);
    expect(bluesky.accepts(stored.accessToken)).toBe(false);
    expect(bluesky.revokeForms.at(-1)!.get('client_id')).toBe(METADATA_URL);
  });

  /** Signs in as `user` from the sign-in form, the handle typed in (login_hint). */
  async function signInByHandle(user: BlueskyUser, typed: string) {
    const browser = context.app.browser();
    const start = await browser.get(`${APP_ORIGIN}/login/bluesky?login_hint=${encodeURIComponent(typed)}&next=/api/me`, { followRedirects: false });
    expect(start.status).toBe(303);
    const page = await browser.get(start.location!);
    expect(page.status).toBe(200);
    return { browser, userId: (JSON.parse(page.text) as { user: { id: string } }).user.id, authorizationUrl: new URL(start.location!) };
  }

  it('the sign-in form sends the handle typed in as login_hint; at the entryway, the pushed request carries it without its @', async () => {
    const { emulator: bluesky, app, database } = context;
    const form = await app.browser().get(`${APP_ORIGIN}/`);
    expect(form.text).toContain('action="/login/bluesky"');
    expect(form.text).toContain('name="login_hint"');
    const ada = person(6, 'Ada Handle');
    bluesky.signInAs(ada);
    const { userId, authorizationUrl } = await signInByHandle(ada, ` @${ada.handle.toUpperCase()} `);
    expect(authorizationUrl.origin).toBe(bluesky.issuer);
    expect(bluesky.parForms.at(-1)!.get('login_hint')).toBe(ada.handle);
    expect((await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow()).subject).toBe(ada.did);
    expect((await app.runtime.tokenStore.findToken(userId, 'bluesky'))!.authorizationServerUrl).toBeNull();
  });

  it("a person whose PDS is its own authorization server signs in there, found from their handle; that connection refreshes and is revoked there", async () => {
    const { emulator: entryway, app, database } = context;
    const selfHosted = await startEmulator(() => context.app);
    try {
      const carol = { ...person(7, 'Carol Selfhost'), handle: 'carol.example.org' };
      // The directory and the entryway's handle lookup are the network's; the account lives on the self-hosted PDS.
      entryway.movePds(carol, selfHosted.pds.origin);
      selfHosted.signInAs(carol);
      const { browser, userId, authorizationUrl } = await signInByHandle(carol, '@carol.example.org');
      expect(authorizationUrl.origin).toBe(selfHosted.issuer);
      expect(selfHosted.parForms.at(-1)!.get('login_hint')).toBe('carol.example.org');
      expect(entryway.server.counts.resolve_handle).toBeGreaterThan(0);
      const stored = (await app.runtime.tokenStore.findToken(userId, 'bluesky'))!;
      expect(stored).toMatchObject({ authorizationServerUrl: selfHosted.issuer, apiBaseUrl: selfHosted.pds.origin });
      expect((await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow()).subject).toBe(carol.did);

      const entrywayRefreshes = entryway.server.counts.refresh_token ?? 0;
      const { after } = await expectRotatedAfterStorm({ ...context, emulator: selfHosted }, 'bluesky', userId, () => browser.get(listRecords(carol.did)));
      expect(entryway.server.counts.refresh_token ?? 0).toBe(entrywayRefreshes);
      expect(selfHosted.accepts(after.accessToken)).toBe(true);
      await expectDisconnectRevokes({ app, emulator: selfHosted }, 'bluesky', { browser, userId });
      expect(selfHosted.accepts(after.accessToken)).toBe(false);
    } finally {
      await selfHosted.close();
    }
  });

  it('a handle that names no account, or a login_hint that is no handle, is a 400 saying so, before anything is sent to a provider', async () => {
    const { emulator: bluesky, app } = context;
    const pushed = bluesky.server.counts.par ?? 0;
    const unknown = await app.browser().get(`${APP_ORIGIN}/login/bluesky?login_hint=nobody.example.org`);
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('No Bluesky account has the handle nobody.example.org.');
    const notAHandle = await app.browser().get(`${APP_ORIGIN}/login/bluesky?login_hint=${encodeURIComponent('not a handle')}`);
    expect(notAHandle.status).toBe(400);
    expect(notAHandle.text).toContain('is not a Bluesky handle');
    const twice = await app.browser().get(`${APP_ORIGIN}/login/bluesky?login_hint=a.example&login_hint=b.example`);
    expect(twice.status).toBe(400);
    expect(bluesky.server.counts.par ?? 0).toBe(pushed);
  });

  standardCases(() => context, BLUESKY, { cancelled: {}, exchangeFailure: {} });
});

describeEachDialect('Bluesky (a confidential client, private_key_jwt), against the same emulator', (dialect) => {
  const keyFile = join(mkdtempSync(join(tmpdir(), 'bluesky-key-')), 'client-key.pem');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const confidential = { BLUESKY_TOKEN_ENDPOINT_AUTH_METHOD: 'private_key_jwt', BLUESKY_PRIVATE_KEY_FILE: keyFile, BLUESKY_PRIVATE_KEY_ID: 'client-key-1' };
  const context: StandardContext<BlueskyEmulator> = useProviderTest(() => dialect.openTestDatabase(), provider(() => context.app, confidential));

  it('publishes the public half of its key in the document, and authenticates PAR, the code exchange and refreshes with client assertions by it', async () => {
    const { emulator: bluesky, app, database } = context;
    const document = JSON.parse((await app.browser().get(METADATA_URL)).text) as { token_endpoint_auth_method: string; jwks: { keys: Array<Record<string, unknown>> } };
    expect(document).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256' });
    expect(document.jwks.keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', kid: 'client-key-1', alg: 'ES256', use: 'sig' })]);
    expect(document.jwks.keys[0]).not.toHaveProperty('d');

    const ada = person(11, 'Ada Confidential');
    const { browser, userId } = await signInAs(context, 'bluesky', ada);
    for (const form of [bluesky.parForms.at(-1)!, bluesky.tokenForms.at(-1)!]) {
      expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      expect(decodeJwt(form.get('client_assertion')!)).toMatchObject({ iss: METADATA_URL, sub: METADATA_URL, aud: bluesky.issuer });
    }
    const { after } = await expectRotatedAfterStorm(context, 'bluesky', userId, () => browser.get(listRecords(ada.did)));
    expect(after.apiBaseUrl).toBe(bluesky.pds.origin);
    expect(decodeJwt(bluesky.tokenForms.at(-1)!.get('client_assertion')!)).toMatchObject({ iss: METADATA_URL });
    expect(await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow()).toEqual({ subject: ada.did });
  });
});
