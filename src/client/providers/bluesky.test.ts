import { describe, expect, it } from 'vitest';
import { bluesky } from './bluesky.js';

const settings = bluesky.settings({});
const profileClaims = settings.hooks!.profileClaims!;

describe('the bluesky preset', () => {
  it("reads getSession's DID, handle and, where the scope reaches it, the e-mail and whether it is confirmed", () => {
    expect(profileClaims({ did: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz', handle: 'ada.bsky.social', active: true })).toEqual({
      did: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz',
      handle: 'ada.bsky.social',
      preferred_username: 'ada.bsky.social',
    });
    expect(profileClaims({ did: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz', handle: 'ada.bsky.social', email: 'ada@example.com', emailConfirmed: false })).toMatchObject({ email: 'ada@example.com', email_verified: false });
    expect(profileClaims({ handle: 'ada.bsky.social' })).toBeUndefined();
    expect(profileClaims(null)).toBeUndefined();
  });

  it('the entryway by RFC 8414, DPoP and PAR, the PDS that verifyAccount finds as each connection\'s API, and the PLC directory by default', () => {
    expect(settings).toMatchObject({
      discovery: { issuer: 'https://bsky.social', wellKnown: 'oauth-authorization-server' },
      clientIdMetadataDocument: true,
      dpop: true,
      pushedAuthorizationRequests: true,
      connectionApiBase: { verifiedAccount: true, userinfoPath: '/xrpc/com.atproto.server.getSession' },
      subjectClaim: 'did',
    });
    expect(settings.apiBaseUrl).toBeUndefined();
    expect(bluesky.values).toEqual({ plcUrl: 'optional' });
  });
});
