import { describe, expect, it } from 'vitest';
import { modrinth } from './modrinth.js';

const settings = modrinth.settings({});
const { profileClaims, tokenRequest } = settings.hooks!;

describe('modrinth settings', () => {
  it('signs in at modrinth.com, exchanges the code and reads the person at api.modrinth.com, asks USER_READ USER_READ_EMAIL without PKCE, sends the token as it is, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://modrinth.com/auth/authorize',
        tokenEndpoint: 'https://api.modrinth.com/_internal/oauth/token',
        userinfoEndpoint: 'https://api.modrinth.com/v2/user',
      },
      scope: 'USER_READ USER_READ_EMAIL',
      apiBaseUrl: 'https://api.modrinth.com/v2',
      accessTokenHeader: 'authorization',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(modrinth.values).toEqual({ userAgent: 'optional' });
    expect(settings.apiHeaders).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });

  it('with a User-Agent configured, sends it on every API call, fixed, and on the token requests', () => {
    const withAgent = modrinth.settings({ userAgent: 'acme/sync/1.0 (ops@acme.test)' });
    expect(withAgent).toMatchObject({ apiHeaders: { 'user-agent': 'acme/sync/1.0 (ops@acme.test)' }, fixedApiHeaders: ['user-agent'] });
    const sent = withAgent.hooks!.tokenRequest!({ body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c' }), headers: { 'User-Agent': 'Tokenkeeper' } });
    expect(sent.headers['user-agent']).toBe('acme/sync/1.0 (ops@acme.test)');
    expect(Object.keys(sent.headers).filter((name) => name.toLowerCase() === 'user-agent')).toHaveLength(1);
  });
});

describe('modrinth tokenRequest: the client secret alone as Authorization', () => {
  it('moves client_secret out of the form into the Authorization header, keeping the other members and headers', () => {
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: 'abc', redirect_uri: 'https://app.example/cb', client_id: 'Kd8fQ2xZ', client_secret: 's3cr3t' });
    const sent = tokenRequest!({ body, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({ grant_type: 'authorization_code', code: 'abc', redirect_uri: 'https://app.example/cb', client_id: 'Kd8fQ2xZ' });
    expect(sent.headers).toEqual({ 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json', authorization: 's3cr3t' });
    expect(body.get('client_secret')).toBe('s3cr3t');
  });

  it('replaces any Authorization openid-client made, whatever its case', () => {
    const sent = tokenRequest!({ body: new URLSearchParams({ client_id: 'a', client_secret: 'b' }), headers: { Authorization: 'Basic YTpi' } });
    expect(sent.headers).toEqual({ authorization: 'b' });
  });
});

describe('modrinth profileClaims: the User of /v2/user', () => {
  it('takes the id, the display name, the username, the avatar and the e-mail with its verification, not the role or payout data', () => {
    expect(
      profileClaims!({ username: 'my_user', name: ' My User ', email: 'me@example.com', bio: 'Hi', payout_data: null, id: 'EEFFGGHH', avatar_url: 'https://cdn.modrinth.com/u.png', created: '2023-01-01T00:00:00Z', role: 'developer', badges: 0, email_verified: false }),
    ).toEqual({ id: 'EEFFGGHH', name: 'My User', preferred_username: 'my_user', picture: 'https://cdn.modrinth.com/u.png', email: 'me@example.com', email_verified: false });
  });

  it('names the person by the username when there is no display name, and leaves out an e-mail the token may not read', () => {
    expect(profileClaims!({ id: 'AbC123xY', username: 'steve', name: null, email: null, email_verified: true })).toEqual({ id: 'AbC123xY', name: 'steve', preferred_username: 'steve' });
    expect(profileClaims!({ id: 'AbC123xY' })).toEqual({ id: 'AbC123xY' });
  });

  it.each([[{ username: 'steve' }], [{ id: 12345678 }], [{ id: '' }], [{ id: 'not base62!' }], [{ error: 'unauthorized', description: 'Authentication Error' }], [null], [[{ id: 'EEFFGGHH' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
