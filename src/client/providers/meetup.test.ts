import { describe, expect, it } from 'vitest';
import { meetup } from './meetup.js';

const settings = meetup.settings({});
const { profileClaims } = settings.hooks!;

describe('meetup settings', () => {
  it('names secure.meetup.com’s endpoints and the GraphQL API, asks no scope, sends the client in the form, reads `self` with a POST, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://secure.meetup.com/oauth2/authorize',
        tokenEndpoint: 'https://secure.meetup.com/oauth2/access',
        userinfoEndpoint: 'https://api.meetup.com/gql-ext',
      },
      apiBaseUrl: 'https://api.meetup.com',
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      userinfoPostJson: { query: 'query { self { id name } }' },
      subjectClaim: 'id',
    });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('meetup profileClaims: the GraphQL `self`', () => {
  it('takes the id as a string of digits, whether Meetup sends a number (its guide’s example) or a string (GraphQL’s ID), and the name trimmed', () => {
    expect(profileClaims!({ data: { self: { id: 1234, name: ' Cool Developer ' } } })).toEqual({ id: '1234', name: 'Cool Developer' });
    expect(profileClaims!({ data: { self: { id: '315278371', name: 'Ada' } } })).toEqual({ id: '315278371', name: 'Ada' });
  });

  it('leaves out an empty name', () => {
    expect(profileClaims!({ data: { self: { id: '7', name: '  ' } } })).toEqual({ id: '7' });
  });

  it.each([
    [{ data: { self: { name: 'Ada' } } }],
    [{ data: { self: { id: '' } } }],
    [{ data: { self: { id: 'ada' } } }],
    [{ data: { self: { id: 0 } } }],
    [{ data: { self: { id: 1.5 } } }],
    [{ data: { self: null } }],
    [{ data: null, errors: [{ message: 'Unauthorized' }] }],
    [{ self: { id: '1' } }],
    [null],
  ])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
