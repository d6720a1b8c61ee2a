import { describe, expect, it } from 'vitest';
import { startgg } from './startgg.js';

const settings = startgg.settings({});
const { tokenRequest, profileClaims } = settings.hooks!;

describe('startgg settings', () => {
  it('sends the scope in every token request and the redirect URI again at refresh, which goes to /oauth/refresh; no PKCE', () => {
    expect(settings).toMatchObject({
      tokenRequestsSendScope: true,
      refreshSendsRedirectUri: true,
      pkce: false,
      tokenEndpointAuthMethod: 'client_secret_post',
      endpoints: { tokenEndpoint: 'https://api.start.gg/oauth/access_token', refreshEndpoint: 'https://api.start.gg/oauth/refresh', userinfoEndpoint: 'https://api.start.gg/gql/alpha' },
    });
  });
});

describe('startgg tokenRequest: the form as the JSON body start.gg takes', () => {
  it('sends every member of the form, the scope and redirect URI of a refresh among them, as JSON', () => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1', scope: 'user.identity user.email', redirect_uri: 'https://app.test/cb', client_id: '42', client_secret: 's' });
    const sent = tokenRequest!({ body, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'r1', scope: 'user.identity user.email', redirect_uri: 'https://app.test/cb', client_id: '42', client_secret: 's' });
    expect(sent.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json' });
  });
});

describe('startgg profileClaims: the currentUser of the GraphQL answer', () => {
  it('takes data.currentUser, its gamer tag kept beside its name', () => {
    const currentUser = { id: 1212332, name: 'Juan Debiedma', email: 'hbox@startgg.test', slug: 'user/8b1bd4ca', player: { gamerTag: 'Hungrybox' } };
    expect(profileClaims!({ data: { currentUser } })).toEqual({ id: 1212332, name: 'Juan Debiedma', email: 'hbox@startgg.test', slug: 'user/8b1bd4ca', gamerTag: 'Hungrybox' });
  });

  it('names the person by the gamer tag when they publish no name, and by nothing when they have neither', () => {
    expect(profileClaims!({ data: { currentUser: { id: 7, name: null, player: { gamerTag: 'Mang0' } } } })).toEqual({ id: 7, name: 'Mang0', gamerTag: 'Mang0' });
    expect(profileClaims!({ data: { currentUser: { id: 8, name: '', player: null } } })).toEqual({ id: 8, name: '' });
  });

  it.each([[{ data: null, errors: [{ message: 'Invalid authentication token' }] }], [{ data: { currentUser: null } }], [{ data: { currentUser: { name: 'No Id' } } }], [{ currentUser: { id: 1 } }], [null], [[]]])('finds no profile in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
