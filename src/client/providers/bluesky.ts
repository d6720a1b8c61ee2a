/**
 * Bluesky, and any AT Protocol network: OAuth as AT Protocol profiles it (https://atproto.com/specs/oauth), as
 * Bluesky's client guide walks through it (https://docs.bsky.app/docs/advanced-guides/oauth-client):
 * - The authorization server of Bluesky-hosted accounts is the entryway `https://bsky.social`; its metadata is RFC
 *   8414's, at `/.well-known/oauth-authorization-server` (no OpenID document, no ID token, no userinfo); another:
 *   `<NAME>_ISSUER`. A person who names their handle or DID at sign-in (`login_hint`) signs in at their own PDS's
 *   authorization server (https://atproto.com/specs/oauth#identity-authentication): the handle is resolved by the
 *   configured server's `com.atproto.identity.resolveHandle`, the DID's document names the PDS, whose
 *   protected-resource metadata names the server (accountAuthorizationServer); the hint goes with the request.
 * - No registration: the client id is the URL of a client metadata document the app serves
 *   (`<BASE_URL>/auth/<name>/client-metadata.json`, clientIdMetadataDocument), which the server fetches; on a
 *   loopback BASE_URL (http://127.0.0.1:<port>), the development client id `http://localhost?redirect_uri=…&scope=…`.
 *   A public client (`none`, the default) or a confidential one (`private_key_jwt` with an ES256 key, published in the
 *   document; Bluesky's server keeps a confidential client's sessions longer).
 * - Every authorization request is pushed (PAR, which the metadata requires), with PKCE S256; every request to the
 *   server and to the PDS carries a DPoP proof with the server's nonce (`dpop_bound_access_tokens`); the code and
 *   the tokens are bound to the connection's key.
 * - Scope `atproto` (required) and `transition:generic` (the account's repository and the Bluesky APIs, as an app
 *   password reaches them); `transition:email` adds the e-mail.
 * - The token answer names the account by `sub`, a DID, which the client must verify
 *   (https://atproto.com/specs/oauth#authorization-flow): its DID document (from the PLC directory,
 *   https://plc.directory, `<NAME>_PLC_URL` for another, or its did:web host) names the account's PDS, whose
 *   protected-resource metadata must name this authorization server (verifyAccount). That PDS is the connection's API
 *   (its XRPC methods, e.g. `/xrpc/app.bsky.feed.getTimeline`, which it proxies to the Bluesky app view); each
 *   refresh answer's `sub` is verified the same way, so an account the server moved to another of its PDSes is called
 *   there from then on.
 * - The profile: the PDS's `com.atproto.server.getSession` (https://docs.bsky.app/docs/api/com-atproto-server-get-session):
 *   `did` (checked against `sub`), `handle` (the name; handles can change, the DID cannot), and with
 *   `transition:email` the `email` and `emailConfirmed`.
 * - Refresh tokens are single-use (each refresh answers a new one; one sent again ends the whole grant); revocation is
 *   RFC 7009 at the server's `revocation_endpoint`, with a DPoP proof of the connection's key (Bluesky's reference
 *   server, @atproto/oauth-provider, answers one without a proof 200 and revokes nothing).
 * - In production every request for it goes to public addresses only (publicAddressesOnly): a handle, a DID document
 *   and did:web name its hosts (the account's PDS and authorization server), so none may be a loopback, private or
 *   link-local address.
 * Not checked against the specification: the refresh token's lifetimes (a public client's session ends after two weeks whatever is done; a confidential client's
 * after months unused), so no keep-alive is set; whether a refresh's `sub` can ever differ from the sign-in's (its
 * PDS is found again, but the DID is not compared with the account's).
 */
import { atprotoAuthorizationServer, verifyAtprotoAccount, PLC_DIRECTORY } from './atproto-identity.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers } from './profile-text.js';

/** getSession's account: its DID (the subject), its handle, and the e-mail where the scope reaches it. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const session = objectOf(body);
  if (!session || typeof session.did !== 'string') return undefined;
  return {
    did: session.did,
    ...textMembers({ handle: session.handle, preferred_username: session.handle, email: session.email }),
    ...(typeof session.email === 'string' && typeof session.emailConfirmed === 'boolean' ? { email_verified: session.emailConfirmed } : {}),
  };
}

export const bluesky: ProviderPreset = {
  displayName: 'Bluesky',
  values: { plcUrl: 'optional' },
  settings: (values) => ({
    discovery: { issuer: 'https://bsky.social', wellKnown: 'oauth-authorization-server' },
    clientIdMetadataDocument: true,
    tokenEndpointAuthMethod: 'none',
    scope: 'atproto transition:generic',
    dpop: true,
    pushedAuthorizationRequests: true,
    connectionApiBase: { verifiedAccount: true, userinfoPath: '/xrpc/com.atproto.server.getSession' },
    subjectClaim: 'did',
    claimNames: { name: 'handle', preferredUsername: 'preferred_username', email: 'email' },
    // A handle's DID document names any host as the account's PDS (and so its authorization server), did:web names
    // its own: none may be on our network.
    publicAddressesOnly: true,
    hooks: {
      verifyAccount: (request) => verifyAtprotoAccount(request, values.plcUrl ?? PLC_DIRECTORY),
      accountAuthorizationServer: (request) => atprotoAuthorizationServer(request, values.plcUrl ?? PLC_DIRECTORY),
      profileClaims,
    },
  }),
};
