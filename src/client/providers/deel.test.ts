import { describe, expect, it } from 'vitest';
import { deel } from './deel.js';

const settings = deel.settings({});
const { profileClaims } = settings.hooks!;

describe('deel settings', () => {
  it('the client as plain Basic, and each refresh sending again the redirect_uri of the code exchange, as Deel wants', () => {
    expect(settings).toMatchObject({ tokenEndpointAuthMethod: 'client_secret_basic', basicCredentials: 'plain', refreshSendsRedirectUri: true, subjectClaim: 'user_id', scope: 'people:read' });
  });
});

describe('deel profileClaims: /v2/people/me', () => {
  const person = {
    id: 81233,
    user_id: 1045523,
    email: 'ada@example.com',
    username: 'ada.lovelace',
    full_name: 'Ada Lovelace',
    first_name: 'Ada',
    last_name: 'Lovelace',
    organization_id: 3321,
    organization_name: 'Analytical Engines Ltd',
    profile_type: 'client',
  };

  it('takes user_id (not the profile id) as digits, the full name, its parts, the e-mail and the organization', () => {
    expect(profileClaims!(person)).toEqual({
      user_id: '1045523',
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      email: 'ada@example.com',
      organization_id: '3321',
      organization_name: 'Analytical Engines Ltd',
    });
  });

  it('reads the same members inside `data`, as most of Deel’s answers come', () => {
    expect(profileClaims!({ data: person })).toEqual(profileClaims!(person));
  });

  it('joins the first and last names when there is no full name, and leaves out what is empty', () => {
    expect(profileClaims!({ user_id: 7, full_name: null, first_name: 'Grace', last_name: ' Hopper ', email: '', organization_name: null })).toEqual({ user_id: '7', name: 'Grace Hopper', given_name: 'Grace', family_name: 'Hopper' });
  });

  it.each([[{ id: 81233, email: 'a@b.c' }], [{ user_id: '1045523' }], [{ user_id: 1.5 }], [{ user_id: 0 }], [{ data: { id: 1 } }], [null], [[{ user_id: 1 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
