/**
 * Who an AT Protocol authorization server may speak for. Its token answer names the account by `sub`, a DID; the
 * client must resolve that DID to its document, take the account's PDS from it, and find this authorization server
 * named in the PDS's protected-resource metadata, before it trusts the answer
 * (https://atproto.com/specs/oauth#authorization-flow, "the client must verify"). Otherwise any authorization
 * server could claim any account. From:
 * - the DID specification of AT Protocol (https://atproto.com/specs/did): `did:plc` and `did:web` (a host name only,
 *   a port percent-encoded as `%3A`, for development); the document's `id` is the DID; the PDS is the service whose
 *   `id` ends in `#atproto_pds`, of type `AtprotoPersonalDataServer`, its `serviceEndpoint` an http(s) origin;
 * - the PLC directory (https://web.plc.directory/spec/v0.1/did-plc): `GET <directory>/<did>` answers the document;
 * - did:web (https://w3c-ccg.github.io/did-method-web/): `https://<host>/.well-known/did.json`;
 * - RFC 9728: `GET <pds>/.well-known/oauth-protected-resource` answers `authorization_servers`, a list of issuers.
 */
import { describeProviderFailure, ProviderUnavailableError, TokenkeeperError } from '../errors.js';
import type { AccountAuthorizationServer, AccountVerificationRequest, VerifiedAccount } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash } from './preset.js';
import { hostOrigin, rootOrigin } from './server-origin.js';

/** The PLC directory of the public AT Protocol network. */
export const PLC_DIRECTORY = 'https://plc.directory';

/** `did:plc:` and 24 characters of base32 (lower case); `did:web:` and a host name, a port as `%3A<digits>`. */
const PLC_DID = /^did:plc:[a-z2-7]{24}$/;
const WEB_DID = /^did:web:(?=[a-z0-9.-]{1,253}(?:%3a\d{1,5})?$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(%3a\d{1,5})?$/i;

/** Where a DID's document is read: the PLC directory's, or the did:web host's own well-known path. */
export function didDocumentUrl(did: string, directory: string, allowInsecureHttp: boolean): string | undefined {
  if (PLC_DID.test(did)) return `${withoutTrailingSlash(directory)}/${did}`;
  if (!WEB_DID.test(did)) return undefined;
  const host = did.slice('did:web:'.length).replace(/%3a/i, ':');
  // did:web is https; a loopback host on http is taken in development and tests only.
  return `${hostOrigin(host, allowInsecureHttp)}/.well-known/did.json`;
}

/** The account's PDS, the origin of the document's `#atproto_pds` service; undefined when it names none usable. */
export function personalDataServer(document: Record<string, unknown>, did: string, allowInsecureHttp: boolean): string | undefined {
  if (document.id !== did || !Array.isArray(document.service)) return undefined;
  const service = document.service.map(objectOf).find((entry) => entry !== undefined && (entry.id === '#atproto_pds' || entry.id === `${did}#atproto_pds`));
  if (service?.type !== 'AtprotoPersonalDataServer' || typeof service.serviceEndpoint !== 'string') return undefined;
  return rootOrigin(service.serviceEndpoint, allowInsecureHttp);
}

/** What the identity lookups need of a hook's request: who the configured server is, and how to reach others. */
type LookupRequest = Pick<AccountVerificationRequest, 'issuer' | 'allowInsecureHttp' | 'send'>;

/**
 * GETs a JSON object from an identity service; its failures are the provider's, told apart as an outage or nonsense,
 * except a 400 that `refused` makes the person's own mistake (a handle nobody has).
 */
async function jsonObject(request: LookupRequest, url: string, what: string, refused?: () => TokenkeeperError): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await request.send(url, { method: 'GET', headers: { accept: 'application/json' } });
  } catch (error) {
    throw describeProviderFailure(new URL(url).host, `request for ${what}`, error);
  }
  const body = objectOf(await response.json().catch(() => undefined));
  if (response.status === 400 && refused) throw refused();
  if (response.status >= 500) throw new ProviderUnavailableError('provider_error', `${new URL(url).host} answered HTTP ${response.status} for ${what}.`);
  if (response.status !== 200 || body === undefined) throw new ProviderUnavailableError('provider_bad_response', `${new URL(url).host} answered HTTP ${response.status} without ${what}; nothing was kept.`);
  return body;
}

/** The PDS a DID's document names, read from the PLC directory (`directory`) or the did:web host. */
async function accountPds(request: LookupRequest, did: string, documentUrl: string): Promise<string> {
  const pds = personalDataServer(await jsonObject(request, documentUrl, `the DID document of ${did}`), did, request.allowInsecureHttp);
  if (pds === undefined) throw new ProviderUnavailableError('provider_bad_response', `The DID document of ${did} names no usable PDS (#atproto_pds); nothing was kept.`);
  return pds;
}

/** The authorization servers a PDS names in its protected-resource metadata (RFC 9728). */
async function authorizationServersOf(request: LookupRequest, pds: string): Promise<unknown[]> {
  const resource = await jsonObject(request, `${pds}/.well-known/oauth-protected-resource`, 'its protected-resource metadata');
  return Array.isArray(resource.authorization_servers) ? resource.authorization_servers : [];
}

/**
 * The account the token answer names (`sub`), verified: its DID document read from the PLC directory (`directory`)
 * or its did:web host, its PDS, and the PDS's word that `request.issuer` is its authorization server. The PDS is the
 * connection's API. Throws a ProviderUnavailableError, and nothing is kept, for an answer naming no DID, a document
 * that does not say its PDS, or a PDS that names another authorization server.
 */
export async function verifyAtprotoAccount(request: AccountVerificationRequest, directory: string): Promise<VerifiedAccount> {
  const did = request.answer.sub;
  const documentUrl = typeof did === 'string' ? didDocumentUrl(did, directory, request.allowInsecureHttp) : undefined;
  if (typeof did !== 'string' || documentUrl === undefined) {
    throw new ProviderUnavailableError('provider_bad_response', 'Bluesky did not name the account it signed in (a did:plc or did:web DID as sub); nothing was kept.');
  }
  const pds = await accountPds(request, did, documentUrl);
  if (!(await authorizationServersOf(request, pds)).includes(request.issuer)) {
    throw new ProviderUnavailableError(
      'provider_bad_response',
      `The account ${did} is hosted at ${pds}, whose authorization server is not ${request.issuer}, where it signed in: ${request.issuer} cannot speak for it, and nothing was kept.`,
    );
  }
  return { subject: did, apiBaseUrl: pds };
}

/**
 * A handle as AT Protocol writes one (https://atproto.com/specs/handle): a DNS name of at least two labels, whose
 * last does not start with a digit, at most 253 characters. Compared in lower case.
 */
const HANDLE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The authorization server of the account a person named at sign-in (`hint`: their handle, with or without `@`, or
 * their DID), where they are sent to sign in (https://atproto.com/specs/oauth#identity-authentication): a handle is
 * resolved to its DID by the configured server's `com.atproto.identity.resolveHandle`
 * (https://docs.bsky.app/docs/api/com-atproto-identity-resolve-handle); the DID's document names the PDS; the PDS's
 * protected-resource metadata names the authorization server. The account is verified again once signed in
 * (verifyAtprotoAccount). Throws a `bad_request` TokenkeeperError for a hint that names no account.
 */
export async function atprotoAuthorizationServer(request: LookupRequest & { loginHint: string }, directory: string): Promise<AccountAuthorizationServer> {
  const hint = request.loginHint.trim().replace(/^@/, '');
  let did = hint;
  if (!hint.startsWith('did:')) {
    const handle = hint.toLowerCase();
    if (!HANDLE.test(handle)) throw new TokenkeeperError('bad_request', `"${hint.slice(0, 100)}" is not a Bluesky handle (such as alice.bsky.social) or DID.`);
    const lookup = `${withoutTrailingSlash(request.issuer)}/xrpc/com.atproto.identity.resolveHandle?handle=${encodeURIComponent(handle)}`;
    const body = await jsonObject(request, lookup, `the DID of the handle ${handle}`, () => new TokenkeeperError('bad_request', `No Bluesky account has the handle ${handle}.`));
    if (typeof body.did !== 'string') throw new ProviderUnavailableError('provider_bad_response', `${new URL(request.issuer).host} answered the lookup of the handle ${handle} without a DID.`);
    did = body.did;
  }
  const documentUrl = didDocumentUrl(did, directory, request.allowInsecureHttp);
  if (documentUrl === undefined) throw new TokenkeeperError('bad_request', `"${did.slice(0, 100)}" is not a DID Bluesky accounts have (did:plc or did:web).`);
  const [server] = await authorizationServersOf(request, await accountPds(request, did, documentUrl));
  if (typeof server !== 'string' || !/^https?:\/\//.test(server)) {
    throw new ProviderUnavailableError('provider_bad_response', `The PDS of ${did} names no authorization server to sign in at.`);
  }
  // The hint as the server takes it: the handle without its `@`, or the DID.
  return { issuer: server, loginHint: hint.startsWith('did:') ? hint : hint.toLowerCase() };
}
