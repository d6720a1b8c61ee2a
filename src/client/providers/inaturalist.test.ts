import { describe, expect, it } from 'vitest';
import { inaturalist } from './inaturalist.js';

const settings = inaturalist.settings({});
const { profileClaims } = settings.hooks!;

describe('inaturalist settings', () => {
  it('www.inaturalist.org for OAuth, /users/edit.json and the API; no scope, no PKCE, the client in the form, and no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://www.inaturalist.org/oauth/authorize',
        tokenEndpoint: 'https://www.inaturalist.org/oauth/token',
        userinfoEndpoint: 'https://www.inaturalist.org/users/edit.json',
      },
      scope: '',
      apiBaseUrl: 'https://www.inaturalist.org',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(inaturalist.values).toBeUndefined();
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
    expect(settings.hooks!.revoke).toBeUndefined();
  });
});

describe('inaturalist profileClaims: the person of /users/edit.json', () => {
  const user = { id: 477, login: 'kueda', name: 'Ken-ichi Ueda', email: 'kueda@example.org', time_zone: 'Pacific Time (US & Canada)', observations_count: 42, site_id: 1 };

  it('takes the numeric id as its digits, the name, the login as the preferred username and the e-mail, not the counts', () => {
    expect(profileClaims!(user)).toEqual({ id: '477', name: 'Ken-ichi Ueda', preferred_username: 'kueda', email: 'kueda@example.org' });
  });

  it('names the person by the login when the name is empty, and leaves out what is empty', () => {
    expect(profileClaims!({ ...user, name: ' ' })).toMatchObject({ name: 'kueda', preferred_username: 'kueda' });
    expect(profileClaims!({ id: 2, name: null, login: '', email: null })).toEqual({ id: '2' });
  });

  it('names no one without a numeric id (an error answer, an id as text, a login alone)', () => {
    expect(profileClaims!({ error: 'You need to sign in or sign up before continuing.' })).toBeUndefined();
    expect(profileClaims!({ ...user, id: '477' })).toBeUndefined();
    expect(profileClaims!({ ...user, id: 4.5 })).toBeUndefined();
    expect(profileClaims!({ login: 'kueda' })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});
