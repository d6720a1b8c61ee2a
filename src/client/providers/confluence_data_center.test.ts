import { describe, expect, it } from 'vitest';
import { confluence_data_center } from './confluence_data_center.js';

const settings = confluence_data_center.settings({ baseUrl: 'https://wiki.example.com/confluence/' });
const { profileClaims } = settings.hooks!;

describe('confluence_data_center settings', () => {
  it("needs the site's base URL; /rest/oauth2/latest/authorize and /token and /rest/api/user/current are under it, READ asked, the client in the form, the redirect URI sent again on refresh", () => {
    expect(confluence_data_center.values).toEqual({ baseUrl: 'required' });
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://wiki.example.com/confluence/rest/oauth2/latest/authorize',
        tokenEndpoint: 'https://wiki.example.com/confluence/rest/oauth2/latest/token',
        userinfoEndpoint: 'https://wiki.example.com/confluence/rest/api/user/current',
      },
      scope: 'READ',
      apiBaseUrl: 'https://wiki.example.com/confluence/rest',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
      refreshSendsRedirectUri: true,
    });
    expect(settings.endpoints).not.toHaveProperty('revocationEndpoint');
  });
});

describe('confluence_data_center profileClaims: /rest/api/user/current', () => {
  it("takes the userKey qualified by the site's host (not the username), the display name (else the username) and the username", () => {
    expect(profileClaims!({ type: 'known', username: 'ada', userKey: '8a7f808a8c5e4b1e018c5e4c00000101', displayName: 'Ada Lovelace', profilePicture: {} })).toEqual({
      id: '8a7f808a8c5e4b1e018c5e4c00000101@wiki.example.com',
      user_key: '8a7f808a8c5e4b1e018c5e4c00000101',
      name: 'Ada Lovelace',
      preferred_username: 'ada',
    });
    expect(profileClaims!({ type: 'known', username: 'grace', userKey: 'ff80818c5e4b1e01', displayName: ' ' })).toEqual({ id: 'ff80818c5e4b1e01@wiki.example.com', user_key: 'ff80818c5e4b1e01', name: 'grace', preferred_username: 'grace' });
  });

  it('keys the same user of two sites apart by their hosts', () => {
    const other = confluence_data_center.settings({ baseUrl: 'https://confluence.other.test:8090' }).hooks!.profileClaims!({ userKey: 'ff80818c5e4b1e01' });
    expect(other).toMatchObject({ id: 'ff80818c5e4b1e01@confluence.other.test:8090' });
  });

  it.each([[{ type: 'anonymous', displayName: 'Anonymous' }], [{ username: 'no-key' }], [{ userKey: '' }], [{ userKey: 7 }], [[]], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
