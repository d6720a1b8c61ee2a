import { describe, expect, it } from 'vitest';
import { wikimedia } from './wikimedia.js';

const settings = wikimedia.settings({});
const { profileClaims } = settings.hooks!;

describe('wikimedia profileClaims: /w/rest.php/oauth2/resource/profile', () => {
  it('takes sub, the username, the real name and the e-mail with confirmed_email as its verification', () => {
    const profile = {
      sub: 46618563,
      username: 'Ada Lovelace',
      editcount: 1207,
      confirmed_email: true,
      blocked: false,
      registered: '20151123103516',
      groups: ['*', 'user', 'autoconfirmed'],
      rights: ['read', 'edit'],
      grants: ['basic', 'mwoauth-authonlyprivate'],
      realname: 'Augusta Ada King',
      email: 'ada@example.org',
    };
    expect(profileClaims!(profile)).toEqual({ sub: 46618563, username: 'Ada Lovelace', name: 'Augusta Ada King', email: 'ada@example.org', email_verified: true, blocked: false });
  });

  it('without the private grants: no e-mail, and the username is the name; an empty real name is the username too', () => {
    expect(profileClaims!({ sub: 7, username: 'Solo', confirmed_email: true, blocked: false, grants: ['basic'] })).toEqual({ sub: 7, username: 'Solo', name: 'Solo', blocked: false });
    expect(profileClaims!({ sub: 8, username: 'Quiet', realname: ' ', email: 'q@example.org', confirmed_email: false })).toEqual({ sub: 8, username: 'Quiet', name: 'Quiet', email: 'q@example.org', email_verified: false });
  });

  it("a hidden user's profile (sub and blocked alone) still names the person", () => {
    expect(profileClaims!({ sub: 9, blocked: true })).toEqual({ sub: 9, blocked: true });
  });

  it.each([[{ username: 'NoId' }], [{ sub: '46618563' }], [{ sub: 0 }], [{ sub: 1.5 }], [null], [[{ sub: 1 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('wikimedia settings', () => {
  it('Meta-Wiki REST endpoints, the basic grant, the client in the form, the API under /w, and no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://meta.wikimedia.org/w/rest.php/oauth2/authorize',
        tokenEndpoint: 'https://meta.wikimedia.org/w/rest.php/oauth2/access_token',
        userinfoEndpoint: 'https://meta.wikimedia.org/w/rest.php/oauth2/resource/profile',
      },
      scope: 'basic',
      apiBaseUrl: 'https://meta.wikimedia.org/w',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'sub',
    });
    expect(settings.hooks?.revoke).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
  });
});

describe('wikimedia settings', () => {
  it('sends WIKIMEDIA_USER_AGENT, when set, as the User-Agent of the profile and API requests whatever a caller sends, and nothing of its own otherwise', () => {
    expect(wikimedia.values).toEqual({ userAgent: 'optional' });
    const named = wikimedia.settings({ userAgent: 'MyTool/1.0 (https://example.org/contact)' });
    expect(named.apiHeaders).toEqual({ 'user-agent': 'MyTool/1.0 (https://example.org/contact)' });
    expect(named.fixedApiHeaders).toEqual(['user-agent']);
    expect(settings.apiHeaders).toBeUndefined();
  });
});
