import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { twist } from './twist.js';

const settings = twist.settings({});
const { authorizationScope, profileClaims, revoke } = settings.hooks!;

describe('twist settings', () => {
  it('signs in at twist.com, redeems the code at /oauth/access_token with the client in the form, reads the session user at api.twist.com/api/v3, and no PKCE', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://twist.com/oauth/authorize',
        tokenEndpoint: 'https://twist.com/oauth/access_token',
        userinfoEndpoint: 'https://api.twist.com/api/v3/users/get_session_user',
        revocationEndpoint: 'https://twist.com/oauth/revoke',
      },
      scope: 'user:read workspaces:read',
      apiBaseUrl: 'https://api.twist.com/api/v3',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(twist.values).toBeUndefined();
  });

  it('joins the scopes with commas, as Twist takes them', () => {
    expect(authorizationScope!('user:read workspaces:read')).toBe('user:read,workspaces:read');
    expect(authorizationScope!(' channels:read  threads:write ')).toBe('channels:read,threads:write');
  });
});

describe('twist profileClaims: the session user of /users/get_session_user', () => {
  const user = {
    id: 10073,
    name: 'Ada Lovelace',
    short_name: 'Ada',
    first_name: 'Ada',
    email: 'ada@example.com',
    timezone: 'Europe/London',
    lang: 'en',
    bot: false,
    avatar_urls: { s35: 'https://example.com/35.png', s60: 'https://example.com/60.png', s195: 'https://example.com/195.png', s640: 'https://example.com/640.png' },
    token: 'the-users-own-api-token',
  };

  it('takes the numeric id as text, the name, the short name, the e-mail, the time zone and the largest avatar, never the user’s own API token', () => {
    expect(profileClaims!(user)).toEqual({ id: '10073', name: 'Ada Lovelace', nickname: 'Ada', email: 'ada@example.com', zoneinfo: 'Europe/London', picture: 'https://example.com/640.png' });
    expect(JSON.stringify(profileClaims!(user))).not.toContain('the-users-own-api-token');
  });

  it('leaves out what is empty', () => {
    expect(profileClaims!({ id: 7, name: ' ', short_name: '', email: null, avatar_urls: null })).toEqual({ id: '7' });
  });

  it.each([[{ id: '10073' }], [{ user_id: 10073 }], [{ id: 0 }], [{ id: 2.5 }], [{ error_code: 200, error_string: 'Invalid token' }], [null], [[{ id: 1 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('twist revoke: POST /oauth/revoke, as Doist’s SDK sends it', () => {
  const endpoint = 'https://twist.com/oauth/revoke';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status, status < 300 ? {} : undefined), { revocationEndpoint: endpoint, ...state });

  it('2xx is revoked; the client and the access token go as JSON to the configured endpoint', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent[0]!.init.body!)).toEqual({ client_id: 'c', client_secret: 's', token: 'live' });
  });

  it('anything else is a fault of Twist, said with its status', async () => {
    await expect(revoke!(request(401).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: 'Twist answered HTTP 401 to the token revocation.' });
    await expect(revoke!(request(502).value)).rejects.toMatchObject({ code: 'provider_error' });
  });

  it('without an endpoint it does not guess one', async () => {
    await expect(revoke!(request(200, { revocationEndpoint: undefined }).value)).rejects.toThrow('revocation endpoint');
  });
});
