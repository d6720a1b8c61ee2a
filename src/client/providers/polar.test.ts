import { describe, expect, it } from 'vitest';
import { polar } from './polar.js';

const settings = polar.settings({});
const { tokenResponseProfile } = settings.hooks!;

describe('polar settings', () => {
  it('names flow.polar.com’s authorization page, polarremote.com’s token endpoint and AccessLink v3, asks no scope and no PKCE, sends the client as plain Basic, reads no profile, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: { authorizationEndpoint: 'https://flow.polar.com/oauth2/authorization', tokenEndpoint: 'https://polarremote.com/v2/oauth2/token' },
      apiBaseUrl: 'https://www.polaraccesslink.com/v3',
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(settings.endpoints?.userinfoEndpoint).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
    expect(polar.values).toBeUndefined();
  });
});

describe('polar tokenResponseProfile: the x_user_id of the token answer', () => {
  it('takes the Polar user id as text, from a number or a string of digits, and nothing of the tokens', () => {
    expect(tokenResponseProfile!({ access_token: 'a', token_type: 'bearer', expires_in: 315705599, x_user_id: 10_001_234 })).toEqual({ id: '10001234' });
    expect(tokenResponseProfile!({ access_token: 'a', x_user_id: '475' })).toEqual({ id: '475' });
  });

  it.each([[{ access_token: 'a' }], [{ x_user_id: 0 }], [{ x_user_id: -3 }], [{ x_user_id: 1.5 }], [{ x_user_id: '' }], [{ x_user_id: 'ada' }], [{ x_user_id: '012' }], [{ x_user_id: null }]])('finds no one in %j', (answer) => {
    expect(tokenResponseProfile!(answer)).toBeUndefined();
  });
});
