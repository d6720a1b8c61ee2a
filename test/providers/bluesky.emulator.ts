/**
 * An emulator of Bluesky's AT Protocol OAuth: the entryway's authorization server (https://bsky.social), a Personal
 * Data Server (e.g. https://morel.us-east.host.bsky.network) and the PLC directory (https://plc.directory), three
 * loopback origins, written from the atproto OAuth specification (https://atproto.com/specs/oauth), Bluesky's client
 * guide (https://docs.bsky.app/docs/advanced-guides/oauth-client), the DID specification
 * (https://atproto.com/specs/did), RFC 9449 (DPoP), RFC 9126 (PAR), RFC 8414, RFC 9728, RFC 9207 and RFC 7009:
 * - Authorization server metadata at `/.well-known/oauth-authorization-server`, with the members the atproto profile
 *   requires (PAR required, `iss` in the response, client id metadata documents, DPoP with ES256, auth methods
 *   `none` and `private_key_jwt`, S256 only, scopes `atproto` and the `transition:*` ones).
 * - Client ids are URLs. An http(s) one is fetched (`fetchClientMetadata`, counted `client_metadata`) at every request
 *   that names it, and its document must answer 200 JSON with `client_id` equal to the URL, `redirect_uris`,
 *   `grant_types` with `authorization_code` (and `refresh_token` for refresh tokens to be issued and taken),
 *   `response_types` with `code`, a `scope` holding `atproto`, `dpop_bound_access_tokens: true`, and
 *   `token_endpoint_auth_method` `none` or `private_key_jwt` (then `token_endpoint_auth_signing_alg: ES256` and one of
 *   `jwks` or `jwks_uri` with an ES256 key that has a `kid`); else 400 `invalid_client_metadata`. `http://localhost`
 *   (no port, path `/`) is the development client: not fetched, its `redirect_uri` and `scope` read from its query
 *   (defaults `http://127.0.0.1/`, `http://[::1]/` and `atproto`), loopback redirect URIs matched on all but the port,
 *   method `none`.
 * - `POST /oauth/par`: a DPoP proof with the server's nonce (else 400 `use_dpop_nonce` and a `DPoP-Nonce` header),
 *   client authentication (`none`: `client_id` alone; `private_key_jwt`: an ES256 `client_assertion` of type
 *   jwt-bearer by a key of the document, iss = sub = client id, aud = the issuer, a unique `jti`, `iat` under a minute
 *   old, `exp`; signed by another key than the DPoP proof), `response_type=code`, `state`, a `redirect_uri` of the
 *   client, a S256 challenge, a `scope` within the document's holding `atproto`. Answers 201 `{ request_uri,
 *   expires_in: 299 }`; the request is bound to the proof's key and to the client's authentication.
 * - `GET /oauth/authorize?client_id&request_uri`: pushed requests only, each once, for its client (else an error page);
 *   the person signed in (signInAs) approves at once or the denial comes back as `access_denied`; every redirect
 *   carries `state` and `iss`.
 * - `POST /oauth/token`: `authorization_code` (code, redirect_uri, code_verifier) and `refresh_token`, the client
 *   authenticated as at PAR (same method, same key), a proof by the key bound at PAR (a key of another is
 *   `invalid_grant`, as Bluesky's reference server answers), nonce required. Answers `{ access_token, token_type: "DPoP",
 *   expires_in, refresh_token, scope, sub }`, `sub` the account's DID. Refresh tokens rotate: a spent one is
 *   `invalid_grant` and ends the whole grant, as the reference server does with a replayed refresh token.
 * - `POST /oauth/revoke` (RFC 7009): `token`, client authentication and a DPoP proof by the grant's key (nonce
 *   required); any token of a grant ends the grant; a token unknown or of another client, or of another key, answers
 *   200 too. Without a proof it answers 200 and ends nothing, as Bluesky's reference server (@atproto/oauth-provider)
 *   was seen to do.
 * - PDS: `/.well-known/oauth-protected-resource` names the issuer; XRPC calls take `Authorization: DPoP <token>` with a
 *   proof carrying `ath` by the token's key and the PDS's own nonce (401 `WWW-Authenticate: DPoP
 *   error="use_dpop_nonce"`); a Bearer token, an expired or revoked one, or another key, 401 `invalid_token`.
 *   `com.atproto.server.getSession` (email and its confirmation with `transition:email` only),
 *   `app.bsky.actor.getProfile`, `com.atproto.repo.listRecords` (no records), and, unauthenticated,
 *   `com.atproto.identity.resolveHandle` (on the authorization server too, as bsky.social serves it). XRPC errors are
 *   `{ error, message }`.
 * - PLC: `GET /<did>` is the DID document of a `did:plc:` known here (alsoKnownAs `at://<handle>`, a Multikey
 *   verification method, the `#atproto_pds` service at the account's PDS); unknown, 404.
 * Every request is counted on the authorization server's `server.counts`, whichever origin it reached: `par`,
 * `authorize`, `token_request` then `authorization_code` or `refresh_token`, `revoke`, `client_metadata` (each document
 * or jwks_uri fetched), `get_session`, `get_profile`, `list_records`, `resolve_handle`, `plc`.
 * Lifetimes: access tokens an hour (`expires_in` 3599 from Bluesky's reference server, @atproto/oauth-provider, run
 * locally; the specification asks for less than 30 minutes); public clients' sessions end 2 weeks after sign-in, refresh tokens likewise; confidential clients'
 * sessions 2 years, each refresh token 3 months (Bluesky's reference server, @atproto/oauth-provider
 * `src/constants.ts`; the specification has 7 days and 24 hours for untrusted public clients, 180 days for a
 * confidential client's refresh token).
 * Not checked against the specification: the access token lifetime bsky.social itself issues; the wording and
 * status of each refusal (the error codes follow RFC 6749, RFC 9449 and the reference server where found); that a
 * document without `token_endpoint_auth_method` is refused; that `login_hint` is not
 * enforced; that the XRPC calls need no scope beyond `atproto`; that the PLC document's verification key is not a real
 * key of the account; that nonces rotate only when a test rotates them.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, importJWK, jwtVerify, type JWK } from 'jose';
import { redirectBack } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { dpopVerifier, type DpopCheck, type DpopVerifier } from './kit/dpop-proofs.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest, type EmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';

export interface BlueskyUser {
  /** `did:plc:` and 24 characters of base32 (`[a-z2-7]`). */
  did: string;
  handle: string;
  displayName: string;
  email: string;
  emailConfirmed: boolean;
}

/** How the authorization server fetches a client metadata document (and a `jwks_uri`). */
export type ClientMetadataFetch = (url: string) => Promise<Response>;

export interface BlueskyEmulatorOptions {
  /** Default: the global fetch. */
  fetchClientMetadata?: ClientMetadataFetch;
  /** Accounts the PLC directory and the PDS know from the start (signInAs adds more). */
  users?: BlueskyUser[];
  /** Epoch seconds for codes, grants and tokens (DPoP proofs and client assertions are checked on `proofNow`). */
  now?: () => number;
  /** Epoch seconds a proof's and a client assertion's `iat` are compared with (default: the real clock), for a client on a clock of its own. */
  proofNow?: () => number;
}

/** How a client authenticated at PAR, which each later request of that grant must repeat. */
export interface ClientAuthBinding {
  method: 'none' | 'private_key_jwt';
  /** The RFC 7638 thumbprint of the client assertion's key. */
  keyThumbprint?: string;
}

export interface BlueskyEmulator extends EmulatorHandle<BlueskyUser> {
  /** The authorization server's origin and issuer (`origin` too); its server keeps every counter. */
  readonly issuer: string;
  readonly authorizationServer: EmulatorServer;
  readonly pds: EmulatorServer;
  readonly plc: EmulatorServer;
  setClientMetadataFetch(fetch: ClientMetadataFetch): void;
  addUser(user: BlueskyUser): void;
  /** The account's DID document names this PDS from now on. */
  movePds(user: BlueskyUser, pdsOrigin: string): void;
  /** Another PDS of this server, serving what `pds` serves (an account moved there by movePds is called there); closed with the emulator. */
  startSecondPds(): Promise<EmulatorServer>;
  /** A PDS whose protected-resource metadata names `authorizationServer`, holding no account; closed with the emulator. */
  startForeignPds(authorizationServer: string): Promise<EmulatorServer>;
  /** The person ends every session of theirs: every token stops working. */
  revokeAll(user: BlueskyUser): void;
  /** A new nonce at the authorization server and the PDS; the one before stays good until the next rotation. */
  rotateNonces(): void;
  /** The next XRPC call fails with this status. */
  failNextXrpc(status: number): void;
  /** The key thumbprint (`cnf.jkt`) a live access token is bound to. */
  boundKey(accessToken: string): string | undefined;
  readonly parForms: ReadonlyArray<URLSearchParams>;
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
  readonly revokeForms: ReadonlyArray<URLSearchParams>;
  /** Each client metadata document (or jwks_uri) fetched, in order. */
  readonly metadataFetches: ReadonlyArray<string>;
  /** Each DPoP proof checked, with the key thumbprint or the refusal: at the authorization server, at the PDS. */
  readonly asProofs: DpopVerifier['seen'];
  readonly pdsProofs: DpopVerifier['seen'];
}

export const BLUESKY_ACCESS_TOKEN_SECONDS = 60 * 60;
const DAY = 86_400;
const YEAR = 365.25 * DAY;
export const BLUESKY_LIFETIMES = {
  public: { session: 14 * DAY, refreshToken: 14 * DAY },
  confidential: { session: Math.round(2 * YEAR), refreshToken: Math.round(YEAR / 4) },
} as const;

const SCOPES = ['atproto', 'transition:generic', 'transition:email', 'transition:chat.bsky'];
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const LOOPBACK_HOSTS = ['127.0.0.1', '[::1]'];

/** A random `did:plc:` identifier. */
export function randomPlcDid(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return `did:plc:${[...randomBytes(24)].map((byte) => alphabet[byte % 32]).join('')}`;
}

/** A compressed secp256k1 public key as a did:key Multikey (`z` + base58btc of 0xe7 0x01 + the key). */
function multikey(): string {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ format: 'jwk' });
  const y = Buffer.from(jwk.y!, 'base64url');
  const bytes = Buffer.concat([Buffer.from([0xe7, 0x01, 0x02 + (y[y.length - 1]! & 1)]), Buffer.from(jwk.x!, 'base64url')]);
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let text = '';
  while (value > 0n) {
    text = alphabet[Number(value % 58n)]! + text;
    value /= 58n;
  }
  return `z${text}`;
}

interface Client {
  clientId: string;
  redirectUris: string[];
  loopback: boolean;
  scopes: string[];
  grantTypes: string[];
  method: 'none' | 'private_key_jwt';
  keys: JWK[];
}

interface PushedRequest {
  clientId: string;
  form: URLSearchParams;
  jkt: string;
  auth: ClientAuthBinding;
  /** Whether the client declares the refresh_token grant type: without it, no refresh token is issued. */
  refreshes: boolean;
  expiresAt: number;
  used: boolean;
}

interface GrantBinding {
  jkt: string;
  auth: ClientAuthBinding;
  signedInAt: number;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; reply: EmulatorReply };
const fail = (reply: EmulatorReply): { ok: false; reply: EmulatorReply } => ({ ok: false, reply });

export async function startBlueskyEmulator(options: BlueskyEmulatorOptions = {}): Promise<BlueskyEmulator> {
  const server = await startEmulatorServer();
  const pds = await startEmulatorServer();
  const plc = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const proofNow = options.proofNow ?? (() => Math.floor(Date.now() / 1000));
  let fetchMetadata: ClientMetadataFetch = options.fetchClientMetadata ?? ((url) => fetch(url));
  const grants = new GrantStore<BlueskyUser>({ now, accessTokenTtl: BLUESKY_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating', revokeGrantOnReuse: true, prefixes: { access: 'at-', refresh: 'ref-' } });
  const asDpop = dpopVerifier({ now: proofNow });
  const pdsDpop = dpopVerifier({ now: proofNow });
  const users = new Map<string, BlueskyUser>();
  const pdsOf = new Map<string, string>();
  const pushed = new Map<string, PushedRequest>();
  const codeBindings = new Map<string, Omit<GrantBinding, 'signedInAt'>>();
  const grantBindings = new Map<string, GrantBinding>();
  const refreshIssuedAt = new Map<string, number>();
  const assertionIds = new Set<string>();
  const parForms: URLSearchParams[] = [];
  const tokenForms: URLSearchParams[] = [];
  const revokeForms: URLSearchParams[] = [];
  const metadataFetches: string[] = [];
  const foreign: EmulatorServer[] = [];
  const xrpcFailure = queuedFailure();

  const addUser = (user: BlueskyUser) => {
    if (!/^did:plc:[a-z2-7]{24}$/.test(user.did)) throw new Error(`not a did:plc identifier: ${user.did}`);
    users.set(user.did, user);
  };
  for (const user of options.users ?? []) addUser(user);

  /** The grant of a live access token whose session has not ended. */
  const liveGrant = (accessToken: string): Grant<BlueskyUser> | undefined => {
    const grant = grants.grantOfAccessToken(accessToken);
    const binding = grant && grantBindings.get(grant.id);
    return binding && binding.signedInAt + lifetimes(binding.auth).session > now() ? grant : undefined;
  };
  const lifetimes = (auth: ClientAuthBinding) => (auth.method === 'private_key_jwt' ? BLUESKY_LIFETIMES.confidential : BLUESKY_LIFETIMES.public);
  const controls = emulatorControls<BlueskyUser>(server, { grantOfAccessToken: liveGrant });

  // Every answer of the authorization server to a DPoP request carries its current nonce.
  const asJson = (status: number, body: unknown) => json(status, body, { 'dpop-nonce': asDpop.nonce, 'cache-control': 'no-store' });
  const asError = (status: number, error: string, description: string) => asJson(status, { error, error_description: description });
  const refusedProof = (check: Extract<DpopCheck, { ok: false }>) => asError(400, check.error, check.description);

  server.route('GET', '/.well-known/oauth-authorization-server', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      pushed_authorization_request_endpoint: `${issuer}/oauth/par`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      require_pushed_authorization_requests: true,
      scopes_supported: SCOPES,
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['ES256'],
      dpop_signing_alg_values_supported: ['ES256'],
      authorization_response_iss_parameter_supported: true,
      client_id_metadata_document_supported: true,
      require_request_uri_registration: true,
    }),
  );

  const badMetadata = (description: string) => fail(asError(400, 'invalid_client_metadata', description));

  const fetchJson = async (url: string): Promise<unknown> => {
    server.count('client_metadata');
    metadataFetches.push(url);
    const response = await fetchMetadata(url);
    if (response.status !== 200 || !(response.headers.get('content-type') ?? '').startsWith('application/json')) throw new Error(`${url} answered ${response.status}`);
    return response.json();
  };

  /** The client a `client_id` names: the development client, or the document fetched at the URL, checked. */
  const resolveClient = async (clientId: string | null): Promise<Outcome<Client>> => {
    if (!clientId) return fail(asError(400, 'invalid_request', 'client_id is required'));
    let url: URL;
    try {
      url = new URL(clientId);
    } catch {
      return fail(asError(400, 'invalid_client', 'client_id must be a URL'));
    }
    if (url.protocol === 'http:' && url.hostname === 'localhost') {
      if (url.port !== '' || url.pathname !== '/') return badMetadata('a loopback client_id is http://localhost with no port and no path');
      const redirectUris = url.searchParams.getAll('redirect_uri');
      const scope = url.searchParams.get('scope') ?? 'atproto';
      return { ok: true, value: { clientId, loopback: true, redirectUris: redirectUris.length > 0 ? redirectUris : ['http://127.0.0.1/', 'http://[::1]/'], scopes: scope.split(' ').filter(Boolean), grantTypes: ['authorization_code', 'refresh_token'], method: 'none', keys: [] } };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail(asError(400, 'invalid_client', 'client_id must be an http(s) URL'));
    let document: Record<string, unknown>;
    try {
      const body = await fetchJson(clientId);
      if (!body || typeof body !== 'object' || Array.isArray(body)) return badMetadata('the client metadata document is not a JSON object');
      document = body as Record<string, unknown>;
    } catch (error) {
      return badMetadata(`the client metadata document could not be fetched: ${String(error)}`);
    }
    const strings = (value: unknown) => (Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined);
    if (document.client_id !== clientId) return badMetadata('client_id in the document is not the URL it was fetched from');
    const redirectUris = strings(document.redirect_uris);
    if (!redirectUris?.length) return badMetadata('redirect_uris is required');
    const grantTypes = strings(document.grant_types);
    if (!grantTypes?.includes('authorization_code')) return badMetadata('grant_types must include authorization_code');
    if (!strings(document.response_types)?.includes('code')) return badMetadata('response_types must include code');
    const scopes = typeof document.scope === 'string' ? document.scope.split(' ').filter(Boolean) : [];
    if (!scopes.includes('atproto')) return badMetadata('scope must include atproto');
    if (document.dpop_bound_access_tokens !== true) return badMetadata('dpop_bound_access_tokens must be true');
    const method = document.token_endpoint_auth_method;
    if (method !== 'none' && method !== 'private_key_jwt') return badMetadata('token_endpoint_auth_method must be none or private_key_jwt');
    let keys: JWK[] = [];
    if (method === 'private_key_jwt') {
      if (document.token_endpoint_auth_signing_alg !== 'ES256') return badMetadata('token_endpoint_auth_signing_alg must be ES256');
      if ((document.jwks === undefined) === (document.jwks_uri === undefined)) return badMetadata('private_key_jwt needs jwks or jwks_uri, not both');
      let jwks = document.jwks;
      if (typeof document.jwks_uri === 'string') {
        try {
          jwks = await fetchJson(document.jwks_uri);
        } catch (error) {
          return badMetadata(`jwks_uri could not be fetched: ${String(error)}`);
        }
      }
      const listed = (jwks as { keys?: unknown } | undefined)?.keys;
      keys = (Array.isArray(listed) ? (listed as JWK[]) : []).filter((key) => key.kty === 'EC' && key.crv === 'P-256' && typeof key.kid === 'string' && (key.alg ?? 'ES256') === 'ES256' && (key.use ?? 'sig') === 'sig' && !('d' in key));
      if (keys.length === 0) return badMetadata('private_key_jwt needs an ES256 key with a kid');
    }
    return { ok: true, value: { clientId, loopback: false, redirectUris, scopes, grantTypes, method, keys } };
  };

  const redirectAllowed = (client: Client, redirectUri: string) => {
    if (!client.loopback) return client.redirectUris.includes(redirectUri);
    let asked: URL;
    try {
      asked = new URL(redirectUri);
    } catch {
      return false;
    }
    return asked.protocol === 'http:' && LOOPBACK_HOSTS.includes(asked.hostname) && client.redirectUris.some((declared) => {
      const allowed = new URL(declared);
      return allowed.hostname === asked.hostname && allowed.pathname === asked.pathname;
    });
  };

  /** The client's authentication on this form (RFC 7523 §3 for private_key_jwt), or 401 `invalid_client`. */
  const authenticate = async (client: Client, form: URLSearchParams, request: EmulatorRequest, dpopJkt: string): Promise<Outcome<ClientAuthBinding>> => {
    const refuse = (description: string) => fail(asError(401, 'invalid_client', description));
    if (form.has('client_secret') || request.basicAuth()) return refuse('client secrets are not used');
    if (client.method === 'none') return form.has('client_assertion') ? refuse('this client authenticates with none') : { ok: true, value: { method: 'none' } };
    if (form.get('client_assertion_type') !== JWT_BEARER) return refuse(`client_assertion_type must be ${JWT_BEARER}`);
    const assertion = form.get('client_assertion') ?? '';
    for (const jwk of client.keys) {
      try {
        const { payload, protectedHeader } = await jwtVerify(assertion, await importJWK(jwk, 'ES256'), {
          algorithms: ['ES256'], issuer: client.clientId, subject: client.clientId, audience: issuer, requiredClaims: ['jti', 'iat', 'exp'], maxTokenAge: 60, clockTolerance: 5, currentDate: new Date(proofNow() * 1000),
        });
        if (protectedHeader.kid !== undefined && protectedHeader.kid !== jwk.kid) continue;
        if (assertionIds.has(payload.jti!)) return refuse('client assertion jti was used before');
        assertionIds.add(payload.jti!);
        const keyThumbprint = await calculateJwkThumbprint(jwk);
        if (keyThumbprint === dpopJkt) return fail(asError(400, 'invalid_request', 'the DPoP key must not be the client authentication key'));
        return { ok: true, value: { method: 'private_key_jwt', keyThumbprint } };
      } catch {
        // Another key of the document may have signed it.
      }
    }
    return refuse('client assertion is not signed by a key of the client metadata, or its claims are wrong');
  };

  const sameAuth = (a: ClientAuthBinding, b: ClientAuthBinding) => a.method === b.method && a.keyThumbprint === b.keyThumbprint;

  server.route('POST', '/oauth/par', async (request) => {
    server.count('par');
    const form = request.form();
    parForms.push(form);
    const proof = await asDpop.check(request, issuer);
    if (!proof.ok) return refusedProof(proof);
    const client = await resolveClient(form.get('client_id'));
    if (!client.ok) return client.reply;
    const auth = await authenticate(client.value, form, request, proof.jkt);
    if (!auth.ok) return auth.reply;
    const invalid = (description: string) => asError(400, 'invalid_request', description);
    if (form.has('request_uri') || form.has('request')) return invalid('request_uri and request are not taken at PAR');
    if (form.get('response_type') !== 'code') return asError(400, 'unsupported_response_type', 'response_type must be code');
    if (!form.get('state')) return invalid('state is required');
    if (!form.get('code_challenge') || form.get('code_challenge_method') !== 'S256') return invalid('a S256 code_challenge is required');
    const redirectUri = form.get('redirect_uri');
    if (!redirectUri || !redirectAllowed(client.value, redirectUri)) return invalid('redirect_uri is not one of the client');
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    if (!scopes.includes('atproto')) return asError(400, 'invalid_scope', 'scope must include atproto');
    const beyond = scopes.find((scope) => !client.value.scopes.includes(scope) || !SCOPES.includes(scope));
    if (beyond) return asError(400, 'invalid_scope', `scope ${beyond} is not declared by the client or not supported`);
    const requestUri = `urn:ietf:params:oauth:request_uri:req-${randomBytes(16).toString('hex')}`;
    pushed.set(requestUri, { clientId: client.value.clientId, form, jkt: proof.jkt, auth: auth.value, refreshes: client.value.grantTypes.includes('refresh_token'), expiresAt: now() + 299, used: false });
    return asJson(201, { request_uri: requestUri, expires_in: 299 });
  });

  server.route('GET', '/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    const requestUri = query.get('request_uri');
    if (!requestUri) return html(400, '<h1>Invalid request</h1><p>Only pushed authorization requests (request_uri) are taken.</p>');
    const stored = pushed.get(requestUri);
    if (!stored || stored.used || stored.expiresAt <= now() || stored.clientId !== query.get('client_id')) return html(400, '<h1>Invalid request</h1><p>This request_uri is unknown, expired, used or of another client.</p>');
    stored.used = true;
    const redirectUri = stored.form.get('redirect_uri')!;
    const reply = redirectBack(redirectUri, stored.form, { iss: issuer });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user denied the request' });
    addUser(user);
    const code = grants.issueCode({
      clientId: stored.clientId,
      redirectUri,
      scope: stored.form.get('scope')!.split(' ').filter(Boolean).join(' '),
      codeChallenge: stored.form.get('code_challenge')!,
      codeChallengeMethod: 'S256',
      user,
      refreshToken: stored.refreshes,
    });
    codeBindings.set(code, { jkt: stored.jkt, auth: stored.auth });
    return reply({ code });
  });

  const tokenAnswer = (grant: Grant<BlueskyUser>, tokens: { accessToken: string; expiresIn: number | undefined; refreshToken: string | undefined }) => {
    if (tokens.refreshToken) refreshIssuedAt.set(tokens.refreshToken, now());
    return asJson(200, { access_token: tokens.accessToken, token_type: 'DPoP', expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken, scope: grant.scope, sub: grant.user.did });
  };

  server.route('POST', '/oauth/token', async (request) => {
    server.count('token_request');
    const form = request.form();
    tokenForms.push(form);
    const failure = controls.tokenFailure();
    if (failure !== undefined) return asError(failure, 'server_error', 'The authorization server failed');
    const proof = await asDpop.check(request, issuer);
    if (!proof.ok) return refusedProof(proof);
    const grantType = form.get('grant_type');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') return asError(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
    server.count(grantType);
    const client = await resolveClient(form.get('client_id'));
    if (!client.ok) return client.reply;
    const auth = await authenticate(client.value, form, request, proof.jkt);
    if (!auth.ok) return auth.reply;
    const invalidGrant = (description: string) => asError(400, 'invalid_grant', description);
    if (grantType === 'authorization_code') {
      const code = form.get('code') ?? '';
      const bound = codeBindings.get(code);
      if (bound && bound.jkt !== proof.jkt) return invalidGrant('the DPoP key is not the one the authorization request was made with');
      if (bound && !sameAuth(bound.auth, auth.value)) return invalidGrant('the client authenticated otherwise than at the authorization request');
      const redeemed = grants.redeemCode(code, { clientId: client.value.clientId, redirectUri: form.get('redirect_uri'), codeVerifier: form.get('code_verifier') });
      if (!redeemed.ok) return invalidGrant(`the code is not valid (${redeemed.reason})`);
      grantBindings.set(redeemed.grant.id, { ...bound!, signedInAt: now() });
      return tokenAnswer(redeemed.grant, redeemed.tokens);
    }
    if (!client.value.grantTypes.includes('refresh_token')) return asError(400, 'unauthorized_client', 'the client does not declare the refresh_token grant type');
    const presented = form.get('refresh_token') ?? '';
    const grant = grants.grantOfToken(presented);
    const binding = grant && grantBindings.get(grant.id);
    if (!grant || !binding || grant.clientId !== client.value.clientId) return invalidGrant('the refresh token is not valid');
    if (binding.jkt !== proof.jkt) return invalidGrant('the DPoP key is not the one this session is bound to');
    if (!sameAuth(binding.auth, auth.value)) return invalidGrant('the client authenticated otherwise than when the session began');
    const lifetime = lifetimes(binding.auth);
    if (binding.signedInAt + lifetime.session <= now()) return invalidGrant('the session has ended');
    if ((refreshIssuedAt.get(presented) ?? 0) + lifetime.refreshToken <= now()) return invalidGrant('the refresh token has expired');
    const refreshed = grants.refresh(presented, client.value.clientId);
    if (!refreshed.ok) return invalidGrant(`the refresh token is not valid (${refreshed.reason})`);
    return tokenAnswer(refreshed.grant, refreshed.tokens);
  });

  server.route('POST', '/oauth/revoke', async (request) => {
    server.count('revoke');
    const form = request.form();
    revokeForms.push(form);
    const client = await resolveClient(form.get('client_id'));
    if (!client.ok) return client.reply;
    const auth = await authenticate(client.value, form, request, '');
    if (!auth.ok) return auth.reply;
    const token = form.get('token');
    if (!token) return asError(400, 'invalid_request', 'token is required');
    const ended = { status: 200, headers: { 'dpop-nonce': asDpop.nonce, 'cache-control': 'no-store' } };
    // As the reference server does: a revocation without a proof of the grant's key is answered 200 and ends nothing.
    if (request.headers.dpop === undefined) return ended;
    const proof = await asDpop.check(request, issuer);
    if (!proof.ok) return refusedProof(proof);
    const grant = grants.grantOfToken(token);
    if (grant && grant.clientId === client.value.clientId && grantBindings.get(grant.id)?.jkt === proof.jkt) grants.revokeGrant(grant.id);
    return ended;
  });

  const xrpcError = (status: number, error: string, message: string, headers: Record<string, string> = {}) => json(status, { error, message }, headers);

  /** `com.atproto.identity.resolveHandle`, unauthenticated, at the entryway and at a PDS. */
  const resolveHandle = (target: EmulatorServer) =>
    target.route('GET', '/xrpc/com.atproto.identity.resolveHandle', (request) => {
      server.count('resolve_handle');
      const handle = request.url.searchParams.get('handle');
      if (!handle) return xrpcError(400, 'InvalidRequest', 'handle is required');
      const user = [...users.values()].find((someone) => someone.handle === handle.toLowerCase());
      return user ? json(200, { did: user.did }) : xrpcError(400, 'InvalidRequest', 'Unable to resolve handle');
    });
  resolveHandle(server);
  resolveHandle(pds);

  /** A PDS's routes on `target`: its protected-resource metadata naming this server, and the XRPC methods its accounts call. */
  const servePds = (target: EmulatorServer) => {
    target.route('GET', '/.well-known/oauth-protected-resource', () =>
      json(200, { resource: target.origin, authorization_servers: [issuer], scopes_supported: [], bearer_methods_supported: ['header'], resource_documentation: 'https://atproto.com' }),
    );

    /** The grant an XRPC call is authorized by, or the PDS's 401 (RFC 9449 §7.1, §9). */
    const authorized = async (request: EmulatorRequest): Promise<Outcome<Grant<BlueskyUser>>> => {
      const nonce = { 'dpop-nonce': pdsDpop.nonce };
      const challenge = (error: string, message: string) =>
        fail(xrpcError(401, error === 'use_dpop_nonce' ? error : 'InvalidToken', message, { ...nonce, 'www-authenticate': `DPoP algs="ES256", error="${error}", error_description="${message}"` }));
      const match = /^(\S+) (.+)$/.exec(request.headers.authorization ?? '');
      if (!match) return fail(xrpcError(401, 'AuthMissing', 'Authentication Required', { ...nonce, 'www-authenticate': 'DPoP algs="ES256"' }));
      if (match[1]!.toLowerCase() !== 'dpop') return challenge('invalid_token', 'a DPoP-bound token is required');
      const token = match[2]!;
      const proof = await pdsDpop.check(request, target.origin, token);
      if (!proof.ok) return challenge(proof.error, proof.description);
      const grant = liveGrant(token);
      if (!grant) return challenge('invalid_token', 'the token is expired or revoked');
      if (grantBindings.get(grant.id)?.jkt !== proof.jkt) return challenge('invalid_token', 'the DPoP key is not the one the token is bound to');
      return { ok: true, value: grant };
    };

    const xrpc = (name: string, counter: string, answer: (grant: Grant<BlueskyUser>, query: URLSearchParams) => EmulatorReply) =>
      target.route('GET', `/xrpc/${name}`, async (request) => {
        server.count(counter);
        const grant = await authorized(request);
        if (!grant.ok) return grant.reply;
        const status = xrpcFailure.take();
        const reply = status !== undefined ? xrpcError(status, 'InternalServerError', 'Internal Server Error') : answer(grant.value, request.url.searchParams);
        return { ...reply, headers: { ...reply.headers, 'dpop-nonce': pdsDpop.nonce } };
      });

    xrpc('com.atproto.server.getSession', 'get_session', ({ user, scope }) => {
      const email = scope.split(' ').includes('transition:email') ? { email: user.email, emailConfirmed: user.emailConfirmed } : {};
      return json(200, { handle: user.handle, did: user.did, ...email, active: true });
    });
    xrpc('app.bsky.actor.getProfile', 'get_profile', (_grant, query) => {
      const actor = query.get('actor');
      if (!actor) return xrpcError(400, 'InvalidRequest', 'actor is required');
      const user = users.get(actor) ?? [...users.values()].find((someone) => someone.handle === actor.toLowerCase());
      if (!user) return xrpcError(400, 'InvalidRequest', 'Profile not found');
      const cid = `bafkrei${createHash('sha256').update(user.did).digest('hex').slice(0, 52)}`;
      return json(200, { did: user.did, handle: user.handle, displayName: user.displayName, avatar: `https://cdn.bsky.app/img/avatar/plain/${user.did}/${cid}@jpeg` });
    });
    xrpc('com.atproto.repo.listRecords', 'list_records', (_grant, query) => {
      if (!query.get('repo') || !query.get('collection')) return xrpcError(400, 'InvalidRequest', 'repo and collection are required');
      return json(200, { records: [] });
    });
  };
  servePds(pds);

  const keys = new Map<string, string>();
  plc.route('GET', '/:did', (request) => {
    server.count('plc');
    const { did } = request.params;
    const user = users.get(did!);
    if (!user) return json(404, { message: `DID not registered: ${did}` });
    if (!keys.has(user.did)) keys.set(user.did, multikey());
    return json(200, {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1', 'https://w3id.org/security/suites/secp256k1-2019/v1'],
      id: user.did,
      alsoKnownAs: [`at://${user.handle}`],
      verificationMethod: [{ id: `${user.did}#atproto`, type: 'Multikey', controller: user.did, publicKeyMultibase: keys.get(user.did) }],
      service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: pdsOf.get(user.did) ?? pds.origin }],
    });
  });

  return {
    ...controls.handle,
    signInAs: (user) => {
      addUser(user);
      controls.handle.signInAs(user);
    },
    close: async () => {
      await Promise.all([server, pds, plc, ...foreign].map((each) => each.close()));
    },
    issuer,
    authorizationServer: server,
    pds,
    plc,
    setClientMetadataFetch: (next) => {
      fetchMetadata = next;
    },
    addUser,
    movePds: (user, pdsOrigin) => {
      addUser(user);
      pdsOf.set(user.did, pdsOrigin);
    },
    startSecondPds: async () => {
      const other = await startEmulatorServer();
      foreign.push(other);
      servePds(other);
      return other;
    },
    startForeignPds: async (authorizationServer) => {
      const other = await startEmulatorServer();
      foreign.push(other);
      other.route('GET', '/.well-known/oauth-protected-resource', () => json(200, { resource: other.origin, authorization_servers: [authorizationServer] }));
      return other;
    },
    revokeAll: (user) => grants.revokeGrantsOf((someone) => someone.did === user.did),
    rotateNonces: () => {
      asDpop.rotateNonce();
      pdsDpop.rotateNonce();
    },
    failNextXrpc: xrpcFailure.queue,
    boundKey: (accessToken) => {
      const grant = liveGrant(accessToken);
      return grant && grantBindings.get(grant.id)?.jkt;
    },
    parForms,
    tokenForms,
    revokeForms,
    metadataFetches,
    asProofs: asDpop.seen,
    pdsProofs: pdsDpop.seen,
  };
}
