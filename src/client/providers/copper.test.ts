import { describe, expect, it } from 'vitest';
import { copper } from './copper.js';

const settings = copper.settings({});
const { profileClaims } = settings.hooks!;

describe('copper profileClaims: the User of /users/me', () => {
  it('names the person by the numeric id, as a string, with the name and the e-mail; the teams are not kept', () => {
    expect(profileClaims!({ id: 159258, name: 'Demo User', email: 'demouser@example.com', groups: [{ id: 1, name: 'Sales' }] })).toEqual({ id: '159258', name: 'Demo User', email: 'demouser@example.com' });
  });

  it('an answer without a whole positive id names no one; blank members are left out', () => {
    expect(profileClaims!({ name: 'No Id', email: 'no@example.com' })).toBeUndefined();
    expect(profileClaims!({ id: '159258' })).toBeUndefined();
    expect(profileClaims!({ id: 0 })).toBeUndefined();
    expect(profileClaims!({ id: 1.5 })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
    expect(profileClaims!({ id: 7, name: '  ', email: null })).toEqual({ id: '7' });
  });
});

describe('copper settings', () => {
  it('asks developer/v1/all without PKCE, the client in the form, and sends X-PW-Application on API calls', () => {
    expect(settings).toMatchObject({
      scope: 'developer/v1/all',
      pkce: false,
      tokenEndpointAuthMethod: 'client_secret_post',
      apiBaseUrl: 'https://api.copper.com/developer_api/v1',
      apiHeaders: { 'x-pw-application': 'developer_api' },
      subjectClaim: 'id',
    });
  });
});
