import { describe, expect, it } from 'vitest';
import { qq } from './qq.js';

const settings = qq.settings({}, { clientId: '101137684' });
const { profileClaims, tokenRequest } = settings.hooks!;

describe('qq settings', () => {
  it('names graph.qq.com’s OAuth endpoints and /oauth2.0/me as JSON, asks no scope and no PKCE, sends token requests as GETs with the client in the query and the token as access_token, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://graph.qq.com/oauth2.0/authorize',
        tokenEndpoint: 'https://graph.qq.com/oauth2.0/token',
        userinfoEndpoint: 'https://graph.qq.com/oauth2.0/me?fmt=json',
      },
      apiBaseUrl: 'https://graph.qq.com',
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_post',
      tokenRequestsInQuery: true,
      pkce: false,
      omitsTokenType: true,
      accessTokenParameter: 'access_token',
      subjectClaim: 'openid',
    });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
    expect(qq.values).toBeUndefined();
  });
});

describe('qq tokenRequest: every answer asked as JSON', () => {
  it('adds fmt=json to the parameters, keeping the others and the headers', () => {
    const rewritten = tokenRequest!({ body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'rt', client_id: '101137684', client_secret: 's' }), headers: { accept: 'application/json' } });
    expect(Object.fromEntries(new URLSearchParams(rewritten.body))).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt', client_id: '101137684', client_secret: 's', fmt: 'json' });
    expect(rewritten.headers).toEqual({ accept: 'application/json' });
  });
});

describe('qq profileClaims: /oauth2.0/me, checked against the APP ID', () => {
  it('takes the openid of a token issued to this APP ID, the APP ID as a string or a number', () => {
    expect(profileClaims!({ client_id: '101137684', openid: 'B9DD537D1C5C98A9999' })).toEqual({ openid: 'B9DD537D1C5C98A9999' });
    expect(profileClaims!({ client_id: 101137684, openid: 'B9DD537D1C5C98A9999' })).toEqual({ openid: 'B9DD537D1C5C98A9999' });
  });

  it.each([[{ client_id: '101814107', openid: 'B9DD537D1C5C98A9999' }], [{ openid: 'B9DD537D1C5C98A9999' }], [{ client_id: '101137684' }], [{ client_id: '101137684', openid: ' ' }], [{ error: 100016, error_description: 'access token check failed' }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });

  it('finds no one when the client is not known, as no APP ID can be compared', () => {
    expect(qq.settings({}).hooks!.profileClaims!({ client_id: '101137684', openid: 'B9DD537D1C5C98A9999' })).toBeUndefined();
  });
});
