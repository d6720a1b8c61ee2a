import { describe, expect, it } from 'vitest';
import { product_hunt } from './product_hunt.js';

const settings = product_hunt.settings({});
const { profileClaims, tokenRequest } = settings.hooks!;

describe('product_hunt settings', () => {
  it('signs in at api.producthunt.com/v2/oauth, asks public private, sends the client in a JSON body without PKCE, reads the viewer from the GraphQL API, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://api.producthunt.com/v2/oauth/authorize',
        tokenEndpoint: 'https://api.producthunt.com/v2/oauth/token',
        userinfoEndpoint: 'https://api.producthunt.com/v2/api/graphql',
      },
      scope: 'public private',
      apiBaseUrl: 'https://api.producthunt.com/v2/api',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(settings.userinfoPostJson).toEqual({ query: 'query { viewer { user { id name username headline profileImage url } } }' });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
    expect(product_hunt.values).toBeUndefined();
  });

  it('sends the token request as JSON with the same members, the client among them', () => {
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: 'c0de', redirect_uri: 'https://app.example/cb', client_id: 'id', client_secret: 'secret' });
    const sent = tokenRequest!({ body: form, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' } });
    expect(sent.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json' });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'c0de', redirect_uri: 'https://app.example/cb', client_id: 'id', client_secret: 'secret' });
  });
});

describe('product_hunt profileClaims: viewer.user of the GraphQL answer', () => {
  it('takes the id as text, the name, username, headline, picture and profile URL', () => {
    const user = { id: '2801437', name: ' Kate Maker ', username: 'katemaker', headline: 'Builder', profileImage: 'https://ph-avatars.imgix.net/2801437/original', url: 'https://www.producthunt.com/@katemaker', twitterUsername: 'kate' };
    expect(profileClaims!({ data: { viewer: { user } } })).toEqual({
      id: '2801437',
      name: 'Kate Maker',
      preferred_username: 'katemaker',
      headline: 'Builder',
      picture: 'https://ph-avatars.imgix.net/2801437/original',
      profile: 'https://www.producthunt.com/@katemaker',
    });
    expect(profileClaims!({ data: { viewer: { user: { id: 42, name: '', headline: null } } } })).toEqual({ id: '42' });
  });

  it.each([[{ data: { viewer: null } }], [{ data: { viewer: { user: { name: 'No Id' } } } }], [{ data: { viewer: { user: { id: ' ' } } } }], [{ data: { viewer: { user: { id: 1.5 } } } }], [{ errors: [{ message: 'Not authorized' }] }], [{ id: '1' }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
