import { describe, expect, it } from 'vitest';
import { aweber } from './aweber.js';

const settings = aweber.settings({});
const { profileClaims } = settings.hooks!;

describe('aweber settings', () => {
  it('asks for account.read with no PKCE (a confidential client must not use it), the client as Basic, and revokes at /oauth2/revoke', () => {
    expect(settings.scope).toBe('account.read');
    expect(settings.pkce).toBe(false);
    expect(settings.tokenEndpointAuthMethod).toBe('client_secret_basic');
    expect(settings.endpoints?.revocationEndpoint).toBe('https://auth.aweber.com/oauth2/revoke');
  });
});

describe('aweber token answers', () => {
  it("reads the traces' answer, which names no token_type, as Bearer (omitsTokenType), with no hook of its own", () => {
    expect(settings.omitsTokenType).toBe(true);
    expect(settings.hooks?.tokenResponse).toBeUndefined();
  });
});

describe('aweber profileClaims: the single entry of /1.0/accounts', () => {
  it('takes the id as a string, with the uuid and company, and none of the links', () => {
    const body = {
      entries: [{ id: 123, uuid: 'b619e767-9de6-43b7-a914-9a8d77a08ee5', company: 'Example Company 1', http_etag: '"902ba3cd"', self_link: 'https://api.aweber.com/1.0/accounts/123', lists_collection_link: 'https://api.aweber.com/1.0/accounts/123/lists' }],
      start: 0,
      total_size: 1,
      resource_type_link: 'https://api.aweber.com/1.0/#accounts',
    };
    expect(profileClaims!(body)).toEqual({ id: '123', uuid: 'b619e767-9de6-43b7-a914-9a8d77a08ee5', company: 'Example Company 1' });
    expect(profileClaims!({ entries: [{ id: 7, company: ' ' }] })).toEqual({ id: '7' });
  });

  it.each([[{ entries: [] }], [{ entries: [{ uuid: 'no-id' }] }], [{ entries: [{ id: '123' }] }], [{ entries: {} }], [{ id: 123 }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
