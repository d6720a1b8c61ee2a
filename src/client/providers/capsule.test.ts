import { describe, expect, it } from 'vitest';
import { capsule } from './capsule.js';

const settings = capsule.settings({});
const { profileClaims, tokenAnswerClaims } = settings.hooks!;

describe('capsule profileClaims: the user inside /api/v2/users/current’s { user }', () => {
  it('reads the id as text, the user’s name, the party’s names and picture, and the username', () => {
    const user = {
      id: 12345682,
      locale: 'en_GB',
      currency: 'GBP',
      status: 'ACTIVE',
      party: { id: 448488, type: 'person', firstName: 'John', lastName: ' Spacey ', pictureURL: 'https://facehub.appspot.com/default/person?text=JS&size=100' },
      username: 'john',
      timezone: 'Europe/London',
      name: 'John Spacey',
      taskReminder: false,
    };
    expect(profileClaims!({ user })).toEqual({
      id: '12345682',
      name: 'John Spacey',
      given_name: 'John',
      family_name: 'Spacey',
      preferred_username: 'john',
      picture: 'https://facehub.appspot.com/default/person?text=JS&size=100',
    });
  });

  it('without a name of its own, the party’s first and last names are the name; blank members are left out', () => {
    expect(profileClaims!({ user: { id: 7, name: ' ', username: '', party: { firstName: 'Grace', lastName: 'Hopper' } } })).toEqual({ id: '7', name: 'Grace Hopper', given_name: 'Grace', family_name: 'Hopper' });
    expect(profileClaims!({ user: { id: 8 } })).toEqual({ id: '8' });
  });

  it('names no one without a positive integer id, or when the user is not inside `user`', () => {
    expect(profileClaims!({ user: { name: 'Ada' } })).toBeUndefined();
    expect(profileClaims!({ user: { id: '12' } })).toBeUndefined();
    expect(profileClaims!({ user: { id: 0 } })).toBeUndefined();
    expect(profileClaims!({ user: { id: 1.5 } })).toBeUndefined();
    expect(profileClaims!({ id: 12, name: 'Ada' })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});

describe('capsule tokenAnswerClaims: the account’s subdomain beside the tokens', () => {
  it('keeps the subdomain, trimmed, and never a token', () => {
    expect(tokenAnswerClaims!({ access_token: 'a', refresh_token: 'r', token_type: 'bearer', expires_in: 604799, scope: 'read write', subdomain: ' exampleco ' })).toEqual({ subdomain: 'exampleco' });
  });

  it('keeps nothing when the answer names no subdomain', () => {
    expect(tokenAnswerClaims!({ access_token: 'a' })).toEqual({});
    expect(tokenAnswerClaims!({ access_token: 'a', subdomain: 42 })).toEqual({});
  });
});
