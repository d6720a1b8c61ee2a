import { describe, expect, it } from 'vitest';
import { remote } from './remote.js';

const settings = remote.settings({});
const { profileClaims } = settings.hooks!;

describe('remote settings', () => {
  it("signs in at gateway.remote.com's OAuth endpoints, reads the token identity and calls the API at /v1, asks no scope, sends the client as plain Basic, and has no revocation", () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://gateway.remote.com/auth/oauth2/authorize',
        tokenEndpoint: 'https://gateway.remote.com/auth/oauth2/token',
        userinfoEndpoint: 'https://gateway.remote.com/v1/identity/current',
      },
      apiBaseUrl: 'https://gateway.remote.com/v1',
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      pkce: false,
      subjectClaim: 'user_id',
    });
    expect(remote.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('remote profileClaims: the token identity of /v1/identity/current', () => {
  it("takes the user's id, name and e-mail and the company's id and name, not the client or the integration", () => {
    expect(
      profileClaims!({
        data: {
          user: { id: 'ffabca18-20fc-489d-995b-bf76eebc6882', name: ' Ada Lovelace ', status: 'active', email: 'ada@acme.test' },
          company: { id: '754a654a-a442-469a-a5ec-267c9db3b268', name: 'Analytical Engines Ltd' },
          client_id: 'o4673mpetii0prsg92mtcvs1j',
          integration: { name: 'partner_integration', display_name: 'Partner integration', contact_email: 'dev@partner.test' },
        },
      }),
    ).toEqual({ user_id: 'ffabca18-20fc-489d-995b-bf76eebc6882', name: 'Ada Lovelace', email: 'ada@acme.test', company_id: '754a654a-a442-469a-a5ec-267c9db3b268', company_name: 'Analytical Engines Ltd' });
  });

  it('leaves out what is missing or empty', () => {
    expect(profileClaims!({ data: { user: { id: 'user-1', name: '', email: null } } })).toEqual({ user_id: 'user-1' });
    expect(profileClaims!({ data: { user: { id: 'user-2' }, company: { id: 7, name: ' ' } } })).toEqual({ user_id: 'user-2' });
  });

  it.each([
    [{ data: { company: { id: '754a654a-a442-469a-a5ec-267c9db3b268', name: 'A partner token' }, client_id: 'abc' } }],
    [{ data: { user: { id: 42 } } }],
    [{ data: { user: { id: ' ' } } }],
    [{ user: { id: 'user-1' } }],
    [{ message: 'Unauthorized' }],
    [null],
    [[{ data: { user: { id: 'user-1' } } }]],
  ])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
