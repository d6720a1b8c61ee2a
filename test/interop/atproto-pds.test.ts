// Tokenkeeper's `bluesky` preset against Bluesky's own server: the PDS that
// hosts Bluesky accounts (@atproto/pds) with its OAuth authorization server
// (@atproto/oauth-provider) and a PLC directory, run from npm as Bluesky
// publishes them (test/interop/atproto-pds/), configured only through the
// documented variables: the preset, the PDS as its issuer and the directory.
// The app's BASE_URL is a loopback one, so its client id is AT Protocol's
// loopback client id (https://atproto.com/specs/oauth#localhost-client-development):
// a public client, which needs no document the PDS would fetch.
import Fastify from 'fastify';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import * as client from 'openid-client';
import { expect, it } from 'vitest';
import { tokenkeeperPlugin } from '../../src/adapters/fastify.js';
import { createTokenkeeper, type SignInResult } from '../../src/library/index.js';
import { disconnectThrough } from '../providers/kit/provider-app.js';
import { TestBrowser } from '../support/browser.js';
import { injectFetch } from '../support/inject-fetch.js';
import { expireStoredAccessToken } from '../support/signed-in.js';
import { TEST_ENCRYPTION_KEY } from '../support/test-app.js';
import { authorizeAtPds, describeEachDialectWithPds, startPds, type PdsAccount, type PdsServer } from './atproto-pds-server.js';
import { countsDelta, storedToken, userIdOf, useInteropCase } from './interop-case.js';

/** Where the app is, for the PDS: a loopback origin (nothing listens there; the browser reaches the app in-process). */
const APP = 'http://127.0.0.1:8271';
const SCOPE = 'atproto transition:generic';
const REDIRECT_URI = `${APP}/auth/bluesky/callback`;
const CLIENT_ID = `http://localhost?redirect_uri=${encodeURIComponent(REDIRECT_URI)}&scope=${encodeURIComponent(SCOPE)}`;
/** @atproto/oauth-provider's access tokens live an hour (its TOKEN_MAX_AGE). */
const ACCESS_TOKEN_SECONDS = 60 * 60;
const STORM = 20;
const GET_SESSION = `${APP}/api/providers/bluesky/proxy/xrpc/com.atproto.server.getSession`;

describeEachDialectWithPds("Bluesky's PDS (@atproto/pds with @atproto/oauth-provider), the real server", (dialect) => {
  const bluesky = useInteropCase<PdsServer>(dialect, {
    provider: 'bluesky',
    proxyPath: 'xrpc/com.atproto.server.getSession',
    start: startPds,
    env: (pds) => ({ BASE_URL: APP, OAUTH_PROVIDERS: 'bluesky', BLUESKY_PRESET: 'bluesky', BLUESKY_ISSUER: pds.origin, BLUESKY_PLC_URL: pds.plcOrigin }),
  });
  let accounts = 0;

  const browser = () => new TestBrowser({ fetch: injectFetch(bluesky.app.runtime.app, APP) });

  /** A new account at the PDS, signed in to the app through the PDS's pages (the person allowing the app there). */
  async function signIn(query = '') {
    const account = await bluesky.server.createAccount(`person${(accounts += 1)}`);
    const signedIn = browser();
    const start = await signedIn.get(`${APP}/login/bluesky?next=/api/me${query}`, { followRedirects: false });
    expect(start.status).toBe(303);
    const authorization = new URL(start.location!);
    const callback = await authorizeAtPds(authorization.href, account, 'consent');
    expect(callback.startsWith(`${REDIRECT_URI}?`)).toBe(true);
    const me = await signedIn.get(callback);
    expect(me.status).toBe(200);
    expect(me.url).toBe(`${APP}/api/me`);
    return { account, browser: signedIn, authorization, userId: await userIdOf(bluesky, account.did) };
  }

  /** openid-client as a second client of the same grant: the PDS's metadata, and the connection's own DPoP key. */
  async function sameGrant(dpopKey: string) {
    const config = await client.discovery(new URL(bluesky.server.origin), CLIENT_ID, { token_endpoint_auth_method: 'none' }, client.None(), {
      execute: [client.allowInsecureRequests],
      algorithm: 'oauth2',
    });
    const { d, ...publicJwk } = JSON.parse(dpopKey) as JWK;
    const keyPair = {
      privateKey: (await importJWK({ ...publicJwk, d }, 'ES256')) as CryptoKey,
      publicKey: (await importJWK(publicJwk, 'ES256', { extractable: true })) as CryptoKey,
    };
    return { config, DPoP: client.getDPoPHandle(config, keyPair) };
  }

  /** Refreshes `refreshToken` at the PDS as the connection would: the new token answer, or the PDS's refusal. */
  async function refreshAtPds(dpopKey: string, refreshToken: string): Promise<client.TokenEndpointResponse | { refused: string }> {
    const { config, DPoP } = await sameGrant(dpopKey);
    return client.refreshTokenGrant(config, refreshToken, undefined, { DPoP }).catch((error: { error?: string }) => ({ refused: error.error ?? String(error) }));
  }

  it('signs in with a pushed request, PKCE and DPoP as the loopback client, as the DID the PDS names, verified through the PLC directory, named by its handle', async () => {
    let signedIn!: Awaited<ReturnType<typeof signIn>>;
    const delta = await countsDelta(bluesky.server, async () => {
      signedIn = await signIn();
    });
    const { account, authorization, userId } = signedIn;
    expect(authorization.origin).toBe(bluesky.server.origin);
    expect([...authorization.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(authorization.searchParams.get('client_id')).toBe(CLIENT_ID);
    // One pushed request and one code exchange, each after the PDS's first answer asked for its DPoP nonce.
    expect(delta).toEqual({ 'POST /oauth/par:400': 1, 'POST /oauth/par:201': 1, 'POST /oauth/token:200': 1 });

    const row = await bluesky.database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(row).toEqual({ issuer: bluesky.server.origin, subject: account.did });
    const user = await bluesky.database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: account.handle, email: null });
    const token = await storedToken(bluesky, userId);
    expect(token).toMatchObject({ status: 'active', tokenType: 'dpop', scope: SCOPE, apiBaseUrl: bluesky.server.origin, refreshToken: expect.any(String) });
    expect(Math.abs(token.expiresAt! - (Math.floor(Date.now() / 1000) + ACCESS_TOKEN_SECONDS))).toBeLessThan(15);
  });

  it("calls the account's PDS through the proxy, each call with a proof of the connection's key", async () => {
    const { account, browser: signedIn } = await signIn();
    const delta = await countsDelta(bluesky.server, async () => {
      const session = await signedIn.get(GET_SESSION);
      expect(session.status).toBe(200);
      expect(JSON.parse(session.text)).toMatchObject({ did: account.did, handle: account.handle });
      const records = await signedIn.get(`${APP}/api/providers/bluesky/proxy/xrpc/com.atproto.repo.listRecords?repo=${account.did}&collection=app.bsky.feed.post`);
      expect(records.status).toBe(200);
      expect(JSON.parse(records.text)).toEqual({ records: [] });
    });
    expect(delta).toEqual({});
  });

  it(`${STORM} concurrent calls with an expired token make one refresh at the PDS; the rotated refresh token is kept, and the spent one is refused there`, async () => {
    const { account, browser: signedIn, userId } = await signIn();
    const before = await storedToken(bluesky, userId);
    await expireStoredAccessToken(bluesky.database, userId, 'bluesky');
    const delta = await countsDelta(bluesky.server, async () => {
      const answers = await Promise.all(Array.from({ length: STORM }, () => signedIn.get(GET_SESSION)));
      expect(answers.map((answer) => answer.status)).toEqual(Array(STORM).fill(200));
      for (const answer of answers) expect(JSON.parse(answer.text)).toMatchObject({ did: account.did });
    });
    expect(delta).toEqual({ 'POST /oauth/token:200': 1 });
    const after = await storedToken(bluesky, userId);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.dpopKey).toBe(before.dpopKey);
    expect(await refreshAtPds(before.dpopKey!, before.refreshToken!)).toEqual({ refused: 'invalid_grant' });
  });

  it('disconnect revokes the grant at the PDS (RFC 7009, with a proof of the key), so its refresh token is refused there after', async () => {
    const { browser: signedIn, userId } = await signIn();
    const stored = await storedToken(bluesky, userId);
    const delta = await countsDelta(bluesky.server, async () => {
      expect(await disconnectThrough(signedIn, 'bluesky', APP)).toEqual({ disconnected: true, revokedAtProvider: true });
    });
    expect(delta['POST /oauth/revoke:200']).toBeGreaterThanOrEqual(1);
    expect(await bluesky.app.runtime.tokenStore.findToken(userId, 'bluesky')).toBeUndefined();
    expect(await refreshAtPds(stored.dpopKey!, stored.refreshToken!)).toEqual({ refused: 'invalid_grant' });
  });

  it('a refresh token spent elsewhere (the PDS then ends the grant) makes one refused refresh and needs_reauth, not a retry', async () => {
    const { browser: signedIn, userId } = await signIn();
    const stored = await storedToken(bluesky, userId);
    // Another holder of the grant refreshes first: the app's refresh token is spent.
    expect(await refreshAtPds(stored.dpopKey!, stored.refreshToken!)).toMatchObject({ access_token: expect.any(String) });
    await expireStoredAccessToken(bluesky.database, userId, 'bluesky');
    const delta = await countsDelta(bluesky.server, async () => {
      for (let call = 0; call < 2; call += 1) {
        const answer = await signedIn.get(GET_SESSION);
        expect(answer.status).toBe(401);
        expect(JSON.parse(answer.text)).toMatchObject({ error: 'needs_reauth' });
      }
    });
    expect(delta).toEqual({ 'POST /oauth/token:400': 1 });
    expect((await storedToken(bluesky, userId)).status).toBe('needs_reauth');
  });

  it('a person who names their handle signs in at the authorization server their PDS names, the handle sent as login_hint', async () => {
    const account = await bluesky.server.createAccount(`person${(accounts += 1)}`);
    const signedIn = browser();
    const start = await signedIn.get(`${APP}/login/bluesky?login_hint=${encodeURIComponent(`@${account.handle}`)}&next=/api/me`, { followRedirects: false });
    expect(start.status).toBe(303);
    expect(new URL(start.location!).origin).toBe(bluesky.server.origin);
    const me = await signedIn.get(await authorizeAtPds(start.location!, account, 'consent'));
    expect(me.status).toBe(200);
    const userId = await userIdOf(bluesky, account.did);
    expect(JSON.parse(me.text)).toMatchObject({ user: { id: userId } });
    expect(await storedToken(bluesky, userId)).toMatchObject({ authorizationServerUrl: null, apiBaseUrl: bluesky.server.origin });

    const unknown = await browser().get(`${APP}/login/bluesky?login_hint=nobody.test`);
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('No Bluesky account has the handle nobody.test.');
  });

  it("through the library and tokenkeeper/fastify, as a host app on a developer's machine: signs a person in at the PDS, then calls it as them", async () => {
    const pds = bluesky.server;
    const database = await dialect.openTestDatabase();
    const tokenkeeper = await createTokenkeeper({
      database: database.url,
      encryptionKeys: [TEST_ENCRYPTION_KEY],
      providers: { bluesky: { preset: 'bluesky', clientId: CLIENT_ID, issuer: pds.origin, plcUrl: pds.plcOrigin } },
      resolveUser: (identity) => `host-${identity.subject}`,
    });
    const host = Fastify();
    const signIns: SignInResult[] = [];
    try {
      await host.register(tokenkeeperPlugin, {
        tokenkeeper,
        baseUrl: APP,
        onSignIn: (_request, reply, result) => {
          signIns.push(result);
          return reply.redirect('/', 303);
        },
      });
      host.get('/', async () => ({ home: true }));
      const account = await pds.createAccount(`person${(accounts += 1)}`);
      const hostBrowser = new TestBrowser({ fetch: injectFetch(host, APP) });
      const start = await hostBrowser.get(`${APP}/auth/bluesky/login`, { followRedirects: false });
      expect(new URL(start.location!).searchParams.get('client_id')).toBe(CLIENT_ID);
      const landed = await hostBrowser.get(await authorizeAtPds(start.location!, account, 'consent'));
      expect(landed.url).toBe(`${APP}/`);
      expect(signIns).toEqual([expect.objectContaining({ user: expect.objectContaining({ externalId: `host-${account.did}` }), connection: expect.objectContaining({ provider: 'bluesky', status: 'active' }) })]);
      const session = await tokenkeeper.fetch({ externalId: `host-${account.did}` }, 'bluesky', '/xrpc/com.atproto.server.getSession');
      expect(session.status).toBe(200);
      expect(await session.json()).toMatchObject({ did: account.did, handle: account.handle });
    } finally {
      await host.close();
      await tokenkeeper.close();
      await database.close();
    }
  });

  it('a person who cancels at the PDS is told so, and nothing is kept', async () => {
    const account: PdsAccount = await bluesky.server.createAccount(`person${(accounts += 1)}`);
    const signedIn = browser();
    const start = await signedIn.get(`${APP}/login/bluesky`, { followRedirects: false });
    const callback = new URL(await authorizeAtPds(start.location!, account, 'reject'));
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('iss')).toBe(bluesky.server.origin);
    const page = await signedIn.get(callback.href);
    expect(page.status).toBe(400);
    expect(page.text).toContain('Sign-in with Bluesky was cancelled or refused at Bluesky.');
    expect(await bluesky.database.db.selectFrom('accounts').select('id').where('subject', '=', account.did).executeTakeFirst()).toBeUndefined();
  });
});
