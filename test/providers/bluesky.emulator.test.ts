// The Bluesky emulator itself, driven by openid-client v6 as an atproto OAuth client would: discovery of the
// authorization server, PAR and the token requests with a DPoP key (nonces at both servers), the PDS called with the
// bound token, the client metadata document served from here.
import { exportJWK, generateKeyPair } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dpopHandle, dpopThumbprint, newDPoPKey, revokeWithProof } from '../../src/client/dpop.js';
import { randomPlcDid, startBlueskyEmulator, type BlueskyEmulator, type BlueskyUser } from './bluesky.emulator.js';

const APP = 'https://app.example.test';
const PUBLIC_ID = `${APP}/oauth/client-metadata.json`;
const REDIRECT_URI = `${APP}/auth/bluesky/callback`;
const SCOPE = 'atproto transition:generic transition:email';

const documents = new Map<string, unknown>();
const document = (clientId: string, more: Record<string, unknown> = {}) => ({
  client_id: clientId,
  client_name: 'Tokenkeeper',
  application_type: 'web',
  redirect_uris: [REDIRECT_URI],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  scope: SCOPE,
  token_endpoint_auth_method: 'none',
  dpop_bound_access_tokens: true,
  ...more,
});

const alice: BlueskyUser = { did: randomPlcDid(), handle: 'alice.bsky.social', displayName: 'Alice', email: 'alice@example.test', emailConfirmed: true };
let bsky: BlueskyEmulator;

beforeAll(async () => {
  bsky = await startBlueskyEmulator();
  // Set late, as the app's own server would start after the emulator.
  bsky.setClientMetadataFetch(async (url) => (documents.has(url) ? Response.json(documents.get(url)) : new Response('Not Found', { status: 404 })));
  documents.set(PUBLIC_ID, document(PUBLIC_ID));
});
afterAll(() => bsky?.close());

const configure = (clientId: string, auth: client.ClientAuth = client.None()) =>
  client.discovery(new URL(bsky.issuer), clientId, undefined, auth, { algorithm: 'oauth2', execute: [client.allowInsecureRequests] });

/** A key as Tokenkeeper keeps one (its private JWK), with openid-client's handle of it and its thumbprint. */
async function dpopKey(config: client.Configuration) {
  const stored = await newDPoPKey();
  return { stored, handle: await dpopHandle(config, stored), jkt: await dpopThumbprint(stored) };
}

/** PAR with `dpop`, the authorize redirect followed; the redirect back, the PKCE verifier and the state. */
async function authorize(config: client.Configuration, dpop: client.DPoPHandle | undefined, redirectUri = REDIRECT_URI) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const parameters = { redirect_uri: redirectUri, scope: config.clientMetadata().client_id.startsWith('http://localhost') ? 'atproto' : SCOPE, state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', login_hint: alice.handle };
  const url = await client.buildAuthorizationUrlWithPAR(config, parameters, dpop ? { DPoP: dpop } : {});
  const answer = await fetch(url, { redirect: 'manual' });
  expect(answer.status).toBe(302);
  return { back: new URL(answer.headers.get('location')!), checks: { pkceCodeVerifier: verifier, expectedState: state } };
}

it('signs in with PAR, DPoP nonces at the authorization server and the PDS, a bound token, and a rotating refresh token', async () => {
  bsky.signInAs(alice);
  const config = await configure(PUBLIC_ID);
  expect(config.serverMetadata()).toMatchObject({ issuer: bsky.issuer, require_pushed_authorization_requests: true, dpop_signing_alg_values_supported: ['ES256'] });
  const dpop = await dpopKey(config);
  const { back, checks } = await authorize(config, dpop.handle);
  expect(back.searchParams.get('iss')).toBe(bsky.issuer);
  const tokens = await client.authorizationCodeGrant(config, back, checks, undefined, { DPoP: dpop.handle });
  expect(tokens).toMatchObject({ token_type: 'dpop', sub: alice.did, scope: SCOPE, expires_in: 3600, refresh_token: expect.any(String) });
  expect(bsky.boundKey(tokens.access_token)).toBe(dpop.jkt);
  // The first proof had no nonce: PAR answered use_dpop_nonce, openid-client sent it again with the nonce, which the token request reused.
  expect(bsky.asProofs.map(({ path, check }) => [path, check.ok ? check.jkt : check.error])).toEqual([
    ['/oauth/par', 'use_dpop_nonce'],
    ['/oauth/par', dpop.jkt],
    ['/oauth/token', dpop.jkt],
  ]);
  expect(bsky.parForms[0]!.get('login_hint')).toBe(alice.handle);

  // The account's PDS, from its DID document, names this authorization server.
  const didDocument = (await (await fetch(`${bsky.plc.origin}/${alice.did}`)).json()) as { alsoKnownAs: string[]; service: Array<{ id: string; serviceEndpoint: string }> };
  expect(didDocument.alsoKnownAs).toEqual(['at://alice.bsky.social']);
  expect(didDocument.service).toEqual([{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: bsky.pds.origin }]);
  expect(await (await fetch(`${bsky.pds.origin}/.well-known/oauth-protected-resource`)).json()).toMatchObject({ authorization_servers: [bsky.issuer] });

  const session = await client.fetchProtectedResource(config, tokens.access_token, new URL(`${bsky.pds.origin}/xrpc/com.atproto.server.getSession`), 'GET', undefined, undefined, { DPoP: dpop.handle });
  expect(session.status).toBe(200);
  expect(await session.json()).toEqual({ did: alice.did, handle: alice.handle, email: alice.email, emailConfirmed: true, active: true });
  expect(bsky.pdsProofs.map(({ check }) => (check.ok ? check.claims.ath !== undefined : check.error))).toEqual(['use_dpop_nonce', true]);

  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP: dpop.handle });
  expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  // Without a proof of the grant's key, a revocation is answered 200 and ends nothing.
  await client.tokenRevocation(config, refreshed.refresh_token!);
  expect(bsky.accepts(refreshed.access_token)).toBe(true);
  // A spent refresh token sent again is refused, and ends the whole grant.
  await expect(client.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP: dpop.handle })).rejects.toMatchObject({ error: 'invalid_grant' });
  expect(bsky.accepts(refreshed.access_token)).toBe(false);
  // Counted per request: the PAR and the getSession without a nonce count too.
  expect(bsky.server.counts).toMatchObject({ par: 2, authorize: 1, authorization_code: 1, refresh_token: 2, get_session: 2, plc: 1 });
});

it("a revocation with a proof of the grant's key ends the grant", async () => {
  bsky.signInAs(alice);
  const config = await configure(PUBLIC_ID);
  const dpop = await dpopKey(config);
  const { back, checks } = await authorize(config, dpop.handle);
  const tokens = await client.authorizationCodeGrant(config, back, checks, undefined, { DPoP: dpop.handle });
  await revokeWithProof(config, client.None(), (await dpopKey(config)).stored, tokens.refresh_token!, 'refresh_token', { allowInsecureHttp: true, timeoutSeconds: 5 });
  expect(bsky.accepts(tokens.access_token)).toBe(true);
  await revokeWithProof(config, client.None(), dpop.stored, tokens.refresh_token!, 'refresh_token', { allowInsecureHttp: true, timeoutSeconds: 5 });
  expect(bsky.accepts(tokens.access_token)).toBe(false);
});

it('refuses a PAR without a DPoP proof', async () => {
  const config = await configure(PUBLIC_ID);
  await expect(authorize(config, undefined)).rejects.toMatchObject({ error: 'invalid_dpop_proof' });
});

it('refuses a token request proved by another key than the PAR', async () => {
  bsky.signInAs(alice);
  const config = await configure(PUBLIC_ID);
  const { back, checks } = await authorize(config, (await dpopKey(config)).handle);
  await expect(client.authorizationCodeGrant(config, back, checks, undefined, { DPoP: (await dpopKey(config)).handle })).rejects.toMatchObject({ error: 'invalid_grant' });
});

it('refuses the bound token sent as a Bearer token at the PDS', async () => {
  bsky.signInAs(alice);
  const config = await configure(PUBLIC_ID);
  const dpop = await dpopKey(config);
  const { back, checks } = await authorize(config, dpop.handle);
  const tokens = await client.authorizationCodeGrant(config, back, checks, undefined, { DPoP: dpop.handle });
  const answer = await fetch(`${bsky.pds.origin}/xrpc/com.atproto.server.getSession`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  expect(answer.status).toBe(401);
  expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
  expect(bsky.accepts(tokens.access_token)).toBe(true);
});

it('refuses a client whose document names another client_id', async () => {
  const clientId = `${APP}/oauth/impostor.json`;
  documents.set(clientId, document('https://elsewhere.example.test/oauth/client-metadata.json'));
  const config = await configure(clientId);
  await expect(authorize(config, (await dpopKey(config)).handle)).rejects.toMatchObject({ error: 'invalid_client_metadata' });
});

it('takes private_key_jwt by a key of the document, and refuses another key under the same kid', async () => {
  const clientId = `${APP}/oauth/confidential.json`;
  const published = await generateKeyPair('ES256', { extractable: true });
  const other = await generateKeyPair('ES256');
  documents.set(clientId, document(clientId, { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [{ ...(await exportJWK(published.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] } }));
  bsky.signInAs(alice);
  const good = await configure(clientId, client.PrivateKeyJwt({ key: published.privateKey, kid: 'k1' }));
  const dpop = await dpopKey(good);
  const { back, checks } = await authorize(good, dpop.handle);
  const tokens = await client.authorizationCodeGrant(good, back, checks, undefined, { DPoP: dpop.handle });
  expect(tokens.sub).toBe(alice.did);
  expect(await client.refreshTokenGrant(good, tokens.refresh_token!, undefined, { DPoP: dpop.handle })).toMatchObject({ token_type: 'dpop' });

  const wrong = await configure(clientId, client.PrivateKeyJwt({ key: other.privateKey, kid: 'k1' }));
  await expect(authorize(wrong, (await dpopKey(wrong)).handle)).rejects.toMatchObject({ error: 'invalid_client' });
});

it('takes the loopback development client id without fetching a document', async () => {
  const fetches = bsky.server.counts.client_metadata;
  const clientId = `http://localhost?redirect_uri=${encodeURIComponent('http://127.0.0.1/callback')}`;
  bsky.signInAs(alice);
  const config = await configure(clientId);
  const dpop = await dpopKey(config);
  const { back, checks } = await authorize(config, dpop.handle, 'http://127.0.0.1:8765/callback');
  const tokens = await client.authorizationCodeGrant(config, back, checks, undefined, { DPoP: dpop.handle });
  expect(tokens).toMatchObject({ sub: alice.did, scope: 'atproto' });
  expect(bsky.server.counts.client_metadata).toBe(fetches);
});

it('moves an account to a PDS whose metadata names another authorization server, and ends its sessions', async () => {
  const bob: BlueskyUser = { did: randomPlcDid(), handle: 'bob.example.test', displayName: 'Bob', email: 'bob@example.test', emailConfirmed: false };
  const foreign = await bsky.startForeignPds('https://evil.example.test');
  bsky.movePds(bob, foreign.origin);
  const didDocument = (await (await fetch(`${bsky.plc.origin}/${bob.did}`)).json()) as { service: Array<{ serviceEndpoint: string }> };
  expect(didDocument.service[0]!.serviceEndpoint).toBe(foreign.origin);
  expect(await (await fetch(`${foreign.origin}/.well-known/oauth-protected-resource`)).json()).toMatchObject({ authorization_servers: ['https://evil.example.test'] });
  expect((await fetch(`${bsky.plc.origin}/${randomPlcDid()}`)).status).toBe(404);

  bsky.signInAs(bob);
  const config = await configure(PUBLIC_ID);
  const dpop = await dpopKey(config);
  const { back, checks } = await authorize(config, dpop.handle);
  const tokens = await client.authorizationCodeGrant(config, back, checks, undefined, { DPoP: dpop.handle });
  bsky.revokeAll(bob);
  const call = client.fetchProtectedResource(config, tokens.access_token, new URL(`${bsky.pds.origin}/xrpc/com.atproto.server.getSession`), 'GET', undefined, undefined, { DPoP: dpop.handle });
  await expect(call).rejects.toMatchObject({ cause: [{ scheme: 'dpop', parameters: { error: 'invalid_token' } }] });
  await expect(client.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP: dpop.handle })).rejects.toMatchObject({ error: 'invalid_grant' });
});
