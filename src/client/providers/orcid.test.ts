import { describe, expect, it } from 'vitest';
import { orcid } from './orcid.js';

const settings = orcid.settings({});
const { tokenResponseProfile } = settings.hooks!;

describe('orcid settings', () => {
  it('signs in, refreshes and revokes at orcid.org, reads the Public API at pub.orcid.org/v3.0, asks /authenticate without PKCE, the client in the form, and makes no profile call', () => {
    expect(orcid.values).toBeUndefined();
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://orcid.org/oauth/authorize',
        tokenEndpoint: 'https://orcid.org/oauth/token',
        revocationEndpoint: 'https://orcid.org/oauth/revoke',
      },
      scope: '/authenticate',
      apiBaseUrl: 'https://pub.orcid.org/v3.0',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'orcid',
    });
    expect(settings.endpoints?.userinfoEndpoint).toBeUndefined();
    expect(Object.keys(settings.hooks!)).toEqual(['tokenResponseProfile']);
  });
});

describe("orcid tokenResponseProfile: the code exchange's orcid and name", () => {
  const answer = { access_token: 'f5af9f51-07e6-4332-8f1a-c0c11c1e3728', token_type: 'bearer', refresh_token: 'f725f747-3a65-49f6-a231-3e8944ce464d', expires_in: 631138518, scope: '/authenticate', name: ' Sofia Maria Hernandez Garcia ', orcid: '0000-0001-2345-6789' };

  it('takes the ORCID iD and the name, never the tokens', () => {
    expect(tokenResponseProfile!(answer)).toEqual({ orcid: '0000-0001-2345-6789', name: 'Sofia Maria Hernandez Garcia' });
  });

  it('takes an iD whose check character is X, and leaves out a null or empty name', () => {
    expect(tokenResponseProfile!({ ...answer, orcid: '0000-0002-1694-233X', name: null })).toEqual({ orcid: '0000-0002-1694-233X' });
    expect(tokenResponseProfile!({ ...answer, name: ' ' })).toEqual({ orcid: '0000-0001-2345-6789' });
  });

  it.each([[{ ...answer, orcid: null }], [{ ...answer, orcid: 'https://orcid.org/0000-0001-2345-6789' }], [{ ...answer, orcid: '0000000123456789' }], [{ ...answer, orcid: 1 }], [{ access_token: 'x' }]])('finds no one in %j', (body) => {
    expect(tokenResponseProfile!(body)).toBeUndefined();
  });
});
