import { describe, expect, it } from 'vitest';
import { mural } from './mural.js';

const settings = mural.settings({});
const { profileClaims } = settings.hooks!;

describe('mural profileClaims: the user inside /users/me’s { value }', () => {
  it('reads the id as the subject, firstName and lastName as the name, the e-mail and the avatar', () => {
    const value = { id: 'u1a2b3c4d5', firstName: ' Ada ', lastName: 'Lovelace', email: 'ada@mural.test', avatar: 'https://app.mural.co/avatar.png', type: 'member', createdOn: 1_700_000_000_000, lastActiveWorkspace: 'acme1234' };
    expect(profileClaims!({ value })).toEqual({ id: 'u1a2b3c4d5', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@mural.test', picture: 'https://app.mural.co/avatar.png' });
  });

  it('leaves out names, e-mail and avatar that are missing or blank; a first name alone is the name', () => {
    expect(profileClaims!({ value: { id: 'u9', firstName: 'Grace', lastName: '  ', email: '' } })).toEqual({ id: 'u9', name: 'Grace', given_name: 'Grace' });
  });

  it('names no one without an id, or when the user is not inside `value`', () => {
    expect(profileClaims!({ value: { firstName: 'Ada' } })).toBeUndefined();
    expect(profileClaims!({ value: { id: '  ' } })).toBeUndefined();
    expect(profileClaims!({ value: { id: 42 } })).toBeUndefined();
    expect(profileClaims!({ id: 'u1a2b3c4d5', firstName: 'Ada' })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});

describe('mural settings', () => {
  it('refreshes at …/oauth2/refresh, beside the token endpoint, with plain Basic credentials; identity:read by default', () => {
    expect(settings.endpoints).toEqual({
      authorizationEndpoint: 'https://app.mural.co/api/public/v1/authorization/oauth2/',
      tokenEndpoint: 'https://app.mural.co/api/public/v1/authorization/oauth2/token',
      refreshEndpoint: 'https://app.mural.co/api/public/v1/authorization/oauth2/refresh',
      userinfoEndpoint: 'https://app.mural.co/api/public/v1/users/me',
    });
    expect(settings).toMatchObject({ scope: 'identity:read', apiBaseUrl: 'https://app.mural.co/api/public/v1', tokenEndpointAuthMethod: 'client_secret_basic', basicCredentials: 'plain', subjectClaim: 'id' });
  });
});
