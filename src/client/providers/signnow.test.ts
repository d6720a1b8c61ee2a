import { describe, expect, it } from 'vitest';
import { signnow } from './signnow.js';

const settings = signnow.settings({});
const { profileClaims } = settings.hooks!;

describe('signnow settings', () => {
  it('signs in at app.signnow.com, takes tokens, the user and API calls at api.signnow.com, asks no scope, sends the client as HTTP Basic, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://app.signnow.com/authorize',
        tokenEndpoint: 'https://api.signnow.com/oauth2/token',
        userinfoEndpoint: 'https://api.signnow.com/user',
      },
      apiBaseUrl: 'https://api.signnow.com',
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(signnow.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('signnow profileClaims: the user of GET /user', () => {
  it('takes the id, the first and last names and the primary e-mail, not the plan, the teams or the other e-mails', () => {
    expect(
      profileClaims!({
        id: '9c4bd7cfafbe481da5556416480774d2f6eb9e50',
        first_name: 'First',
        last_name: ' Last ',
        active: '1',
        verified: true,
        type: 1,
        pro: 0,
        created: '1532078494',
        emails: ['first@example.com', 'other@example.com'],
        primary_email: 'first@example.com',
        subscriptions: [],
        teams: [{ id: 'a1b2', name: 'Sales' }],
      }),
    ).toEqual({ id: '9c4bd7cfafbe481da5556416480774d2f6eb9e50', name: 'First Last', given_name: 'First', family_name: 'Last', email: 'first@example.com' });
  });

  it('leaves out what is empty', () => {
    expect(profileClaims!({ id: 'abc', first_name: '', last_name: 'Hopper', primary_email: null })).toEqual({ id: 'abc', name: 'Hopper', family_name: 'Hopper' });
    expect(profileClaims!({ id: 'abc' })).toEqual({ id: 'abc' });
  });

  it.each([[{ first_name: 'Ada', primary_email: 'ada@example.com' }], [{ id: 42 }], [{ id: ' ' }], [{ error: 'invalid_token' }], [{ errors: [{ code: 1554, message: 'Invalid token' }] }], [null], [[{ id: 'abc' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
