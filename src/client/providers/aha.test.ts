import { describe, expect, it } from 'vitest';
import { aha, meClaims } from './aha.js';

describe('aha settings', () => {
  it("puts the authorization, the token, the current user and the API on the account's host, asks no scope, sends the client in the form, no PKCE and no revocation", () => {
    const settings = aha.settings({ domain: 'acme.aha.io' });
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://acme.aha.io/oauth/authorize',
        tokenEndpoint: 'https://acme.aha.io/oauth/token',
        userinfoEndpoint: 'https://acme.aha.io/api/v1/me',
      },
      scope: '',
      apiBaseUrl: 'https://acme.aha.io/api/v1',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
    expect(aha.values).toEqual({ domain: 'required' });
  });

  it("qualifies the user's id by the host of the account it is made for", () => {
    const { profileClaims } = aha.settings({ domain: 'widgets.aha.io' }).hooks!;
    expect(profileClaims!({ user: { id: '1020675218', name: 'Ada Lovelace' } })).toMatchObject({ id: '1020675218@widgets.aha.io', user_id: '1020675218' });
  });
});

describe('aha meClaims: the user of /api/v1/me', () => {
  const claims = meClaims('acme.aha.io');

  it('takes the id qualified by the host, the name, the first and last names and the e-mail, not the roles or the time zone', () => {
    expect(
      claims({ user: { id: ' 6776881149404277878 ', name: 'Ada Lovelace', email: 'ada@acme.test', first_name: 'Ada', last_name: 'Lovelace', created_at: '2024-01-01T00:00:00.000Z', admin: true, time_zone: 'America/New_York', accounts: [{ id: '1', name: 'Acme' }] } }),
    ).toEqual({ id: '6776881149404277878@acme.aha.io', user_id: '6776881149404277878', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@acme.test' });
  });

  it('joins the first and last names without a name, takes a numeric id as text, and leaves out what is empty', () => {
    expect(claims({ user: { id: 42, name: ' ', first_name: 'Grace', last_name: 'Hopper' } })).toEqual({ id: '42@acme.aha.io', user_id: '42', name: 'Grace Hopper', given_name: 'Grace', family_name: 'Hopper' });
    expect(claims({ user: { id: '7' } })).toEqual({ id: '7@acme.aha.io', user_id: '7' });
  });

  it.each([[{ user: { name: 'Ada' } }], [{ user: { id: ' ' } }], [{ user: { id: 0 } }], [{ user: { id: 1.5 } }], [{ id: '7', name: 'not wrapped' }], [{ error: 'Unauthorized' }], [null], [[{ user: { id: '7' } }]]])('finds no one in %j', (body) => {
    expect(claims(body)).toBeUndefined();
  });
});
