import { describe, expect, it } from 'vitest';
import type { AccountVerificationRequest } from '../provider-hooks.js';
import { atprotoAuthorizationServer, didDocumentUrl, personalDataServer, verifyAtprotoAccount } from './atproto-identity.js';

const DID = 'did:plc:ewvi7nxzyoun6zhxrhs64oiz';
const ISSUER = 'https://bsky.social';
const PDS = 'https://morel.us-east.host.bsky.network';

function document(endpoint: unknown = PDS, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: DID,
    alsoKnownAs: ['at://ada.bsky.social'],
    service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: endpoint }],
    ...overrides,
  };
}

/** A request whose `send` answers each URL from `answers` (404 for any other), recording what was asked. */
function request(answers: Record<string, { status?: number; body: unknown }>, overrides: Partial<AccountVerificationRequest> = {}): AccountVerificationRequest & { asked: string[] } {
  const asked: string[] = [];
  return {
    answer: { access_token: 'at', token_type: 'DPoP', sub: DID },
    issuer: ISSUER,
    allowInsecureHttp: false,
    asked,
    send: async (url) => {
      asked.push(url);
      const answer = answers[url];
      return new Response(JSON.stringify(answer?.body ?? { error: 'NotFound' }), { status: answer ? (answer.status ?? 200) : 404, headers: { 'content-type': 'application/json' } });
    },
    ...overrides,
  };
}

const found = (pdsDocument = document(), resource: unknown = { resource: PDS, authorization_servers: [ISSUER] }) => ({
  [`https://plc.directory/${DID}`]: { body: pdsDocument },
  [`${PDS}/.well-known/oauth-protected-resource`]: { body: resource },
});

describe('where a DID document is read', () => {
  it('did:plc at the PLC directory; did:web at its host over https (a port percent-encoded), http for a loopback host in development only', () => {
    expect(didDocumentUrl(DID, 'https://plc.directory/', false)).toBe(`https://plc.directory/${DID}`);
    expect(didDocumentUrl('did:web:pds.example.com', 'https://plc.directory', false)).toBe('https://pds.example.com/.well-known/did.json');
    expect(didDocumentUrl('did:web:localhost%3A8080', 'https://plc.directory', true)).toBe('http://localhost:8080/.well-known/did.json');
    expect(didDocumentUrl('did:web:localhost%3A8080', 'https://plc.directory', false)).toBe('https://localhost:8080/.well-known/did.json');
  });

  it('nothing for what is not a DID AT Protocol takes: another method, a malformed plc id, a did:web with a path', () => {
    for (const did of ['did:key:z6Mkf', 'did:plc:short', 'did:plc:ewvi7nxzyoun6zhxrhs64oi1', 'did:web:example.com:user:ada', 'did:web:exa mple.com', 'ada.bsky.social', '']) {
      expect(didDocumentUrl(did, 'https://plc.directory', true), did).toBeUndefined();
    }
  });
});

describe("the account's PDS in its DID document", () => {
  it('the origin of the #atproto_pds service, by its short or full id', () => {
    expect(personalDataServer(document(`${PDS}/`), DID, false)).toBe(PDS);
    expect(personalDataServer(document(PDS, { service: [{ id: `${DID}#atproto_pds`, type: 'AtprotoPersonalDataServer', serviceEndpoint: PDS }] }), DID, false)).toBe(PDS);
  });

  it('none from a document of another DID, without the service, of another type, on http outside development, or with a path', () => {
    expect(personalDataServer(document(PDS, { id: 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa' }), DID, false)).toBeUndefined();
    expect(personalDataServer(document(PDS, { service: [] }), DID, false)).toBeUndefined();
    expect(personalDataServer(document(PDS, { service: [{ id: '#atproto_pds', type: 'BskyFeedGenerator', serviceEndpoint: PDS }] }), DID, false)).toBeUndefined();
    expect(personalDataServer(document('http://127.0.0.1:2583'), DID, false)).toBeUndefined();
    expect(personalDataServer(document('http://127.0.0.1:2583'), DID, true)).toBe('http://127.0.0.1:2583');
    expect(personalDataServer(document(`${PDS}/xrpc`), DID, false)).toBeUndefined();
    expect(personalDataServer(document('not a url'), DID, false)).toBeUndefined();
    expect(personalDataServer(document(42), DID, false)).toBeUndefined();
  });
});

describe('verifying the account a token answer names', () => {
  it("the DID, with its PDS as the connection's API, when the PDS names the issuer the sign-in was made at", async () => {
    const asked = request(found());
    expect(await verifyAtprotoAccount(asked, 'https://plc.directory')).toEqual({ subject: DID, apiBaseUrl: PDS });
    expect(asked.asked).toEqual([`https://plc.directory/${DID}`, `${PDS}/.well-known/oauth-protected-resource`]);
  });

  it('refuses a PDS that names another authorization server, saying which', async () => {
    await expect(verifyAtprotoAccount(request(found(document(), { authorization_servers: ['https://evil.example'] })), 'https://plc.directory')).rejects.toMatchObject({
      code: 'provider_bad_response',
      message: `The account ${DID} is hosted at ${PDS}, whose authorization server is not ${ISSUER}, where it signed in: ${ISSUER} cannot speak for it, and nothing was kept.`,
    });
    await expect(verifyAtprotoAccount(request(found(document(), { resource: PDS })), 'https://plc.directory')).rejects.toMatchObject({ code: 'provider_bad_response' });
  });

  it('refuses an answer naming no DID, and asks nothing', async () => {
    for (const sub of [undefined, 42, 'ada.bsky.social', 'did:plc:nope']) {
      const asked = request(found(), { answer: { access_token: 'at', sub } });
      await expect(verifyAtprotoAccount(asked, 'https://plc.directory')).rejects.toMatchObject({ code: 'provider_bad_response', message: expect.stringContaining('did not name the account') });
      expect(asked.asked).toEqual([]);
    }
  });

  it('an unknown DID, or a document naming no PDS, is the provider answering nonsense; an outage of the directory is its error', async () => {
    await expect(verifyAtprotoAccount(request({}), 'https://plc.directory')).rejects.toMatchObject({ code: 'provider_bad_response', message: expect.stringContaining('answered HTTP 404') });
    await expect(verifyAtprotoAccount(request(found(document(PDS, { service: [] }))), 'https://plc.directory')).rejects.toMatchObject({ code: 'provider_bad_response', message: expect.stringContaining('names no usable PDS') });
    const down = { [`https://plc.directory/${DID}`]: { status: 503, body: {} } };
    await expect(verifyAtprotoAccount(request(down), 'https://plc.directory')).rejects.toMatchObject({ code: 'provider_error' });
  });

  it('reads did:plc documents at the configured directory', async () => {
    const asked = request({ [`http://127.0.0.1:9/${DID}`]: { body: document() }, [`${PDS}/.well-known/oauth-protected-resource`]: { body: { authorization_servers: [ISSUER] } } });
    await verifyAtprotoAccount(asked, 'http://127.0.0.1:9');
    expect(asked.asked[0]).toBe(`http://127.0.0.1:9/${DID}`);
  });
});

describe('the authorization server of the account a person names at sign-in', () => {
  const SELF_HOSTED = 'https://pds.carol.example';
  const resolve = (handle: string) => `${ISSUER}/xrpc/com.atproto.identity.resolveHandle?handle=${handle}`;
  const hosted = (resource: unknown = { authorization_servers: [SELF_HOSTED] }) => ({
    [resolve('carol.example.org')]: { body: { did: DID } },
    [`https://plc.directory/${DID}`]: { body: document(SELF_HOSTED) },
    [`${SELF_HOSTED}/.well-known/oauth-protected-resource`]: { body: resource },
  });
  const lookup = (loginHint: string, answers: Record<string, { status?: number; body: unknown }> = hosted()) => {
    const asked = request(answers);
    return { asked, found: atprotoAuthorizationServer({ ...asked, loginHint }, 'https://plc.directory') };
  };

  it("a handle (with or without @, in any case) by the configured server's resolveHandle, then its DID document, its PDS and the server the PDS names", async () => {
    const { asked, found } = lookup(' @Carol.Example.org');
    expect(await found).toEqual({ issuer: SELF_HOSTED, loginHint: 'carol.example.org' });
    expect(asked.asked).toEqual([resolve('carol.example.org'), `https://plc.directory/${DID}`, `${SELF_HOSTED}/.well-known/oauth-protected-resource`]);
  });

  it('a DID without a handle lookup', async () => {
    const { asked, found } = lookup(DID);
    expect(await found).toEqual({ issuer: SELF_HOSTED, loginHint: DID });
    expect(asked.asked[0]).toBe(`https://plc.directory/${DID}`);
  });

  it('what is no handle or DID, and a handle nobody has, are the person\'s mistake (400), asking nothing for the former', async () => {
    for (const hint of ['carol', 'carol example.org', 'carol.123', 'did:key:z6Mkf']) {
      const { asked, found } = lookup(hint);
      await expect(found, hint).rejects.toMatchObject({ code: 'bad_request' });
      expect(asked.asked).toEqual([]);
    }
    const { found } = lookup('nobody.example.org', { [resolve('nobody.example.org')]: { status: 400, body: { error: 'InvalidRequest', message: 'Unable to resolve handle' } } });
    await expect(found).rejects.toMatchObject({ code: 'bad_request', message: 'No Bluesky account has the handle nobody.example.org.' });
  });

  it('a PDS that names no authorization server, or the lookup service failing, is the provider\'s fault', async () => {
    await expect(lookup('carol.example.org', hosted({ authorization_servers: [] })).found).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(lookup('carol.example.org', hosted({ authorization_servers: ['javascript:alert(1)'] })).found).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(lookup('carol.example.org', { [resolve('carol.example.org')]: { status: 502, body: {} } }).found).rejects.toMatchObject({ code: 'provider_error' });
  });
});
