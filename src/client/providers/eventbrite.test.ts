import { describe, expect, it } from 'vitest';
import { eventbrite } from './eventbrite.js';

const settings = eventbrite.settings({});
const { profileClaims } = settings.hooks!;

describe('eventbrite settings', () => {
  it('no scope, the client in the form, the profile at /users/me/ under the v3 API base, and nothing to revoke with', () => {
    expect(settings).toMatchObject({
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_post',
      apiBaseUrl: 'https://www.eventbriteapi.com/v3',
      endpoints: { userinfoEndpoint: 'https://www.eventbriteapi.com/v3/users/me/' },
    });
    expect(settings.endpoints).not.toHaveProperty('revocationEndpoint');
    expect(settings.hooks).not.toHaveProperty('revoke');
  });
});

describe('eventbrite profileClaims: /users/me/', () => {
  it('takes the id, the name and the primary e-mail with its verified flag', () => {
    const user = {
      id: '1234567890',
      name: 'Ada Lovelace',
      first_name: 'Ada',
      last_name: 'Lovelace',
      is_public: false,
      image_id: null,
      emails: [
        { email: 'old@acme.test', verified: true, primary: false },
        { email: 'ada@acme.test', verified: false, primary: true },
      ],
    };
    expect(profileClaims!(user)).toEqual({ id: '1234567890', name: 'Ada Lovelace', first_name: 'Ada', last_name: 'Lovelace', email: 'ada@acme.test', email_verified: false });
  });

  it('without a primary entry takes the first verified one, else the first', () => {
    expect(profileClaims!({ id: '1', emails: [{ email: 'a@acme.test', verified: false }, { email: 'b@acme.test', verified: true }] })).toMatchObject({ email: 'b@acme.test', email_verified: true });
    expect(profileClaims!({ id: '1', emails: [{ email: 'a@acme.test' }, { email: 'b@acme.test', verified: 'yes' }] })).toMatchObject({ email: 'a@acme.test', email_verified: false });
  });

  it('joins the first and last names when there is no name; keeps no e-mail when there is none', () => {
    expect(profileClaims!({ id: '7', name: ' ', first_name: 'Grace', last_name: 'Hopper', emails: [] })).toEqual({ id: '7', name: 'Grace Hopper', first_name: 'Grace', last_name: 'Hopper' });
    expect(profileClaims!({ id: '8', emails: [{ email: '', primary: true }, null, 'x'] })).toEqual({ id: '8' });
    expect(profileClaims!({ id: 9 })).toEqual({ id: '9' });
  });

  it.each([[{ name: 'No Id' }], [{ id: '' }], [{ id: 1.5 }], [null], [[{ id: '1' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
