import { describe, expect, it } from 'vitest';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { lyft } from './lyft.js';

const settings = lyft.settings({});
const { profileClaims, revoke, tokenRequest } = settings.hooks!;

describe('lyft settings', () => {
  it('asks public profile rides.read offline without PKCE, the client by Basic, the token requests as JSON', () => {
    expect(settings).toMatchObject({ scope: 'public profile rides.read offline', pkce: false, tokenEndpointAuthMethod: 'client_secret_basic', subjectClaim: 'id' });
    const sent = tokenRequest!({ body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1' }), headers: { authorization: 'Basic eA==', 'content-type': 'application/x-www-form-urlencoded' } });
    expect(sent.headers).toEqual({ authorization: 'Basic eA==', 'content-type': 'application/json' });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'r1' });
  });
});

describe('lyft profileClaims: the Profile of /v1/profile', () => {
  it('is the id with the first and last names', () => {
    expect(profileClaims!({ id: '123456789', first_name: 'Jane', last_name: ' Doe ', has_taken_a_ride: true })).toEqual({ id: '123456789', name: 'Jane Doe', given_name: 'Jane', family_name: 'Doe' });
    expect(profileClaims!({ id: '42' })).toEqual({ id: '42' });
  });

  it('names no one without a string id', () => {
    expect(profileClaims!({ first_name: 'Jane' })).toBeUndefined();
    expect(profileClaims!({ id: ' ' })).toBeUndefined();
    expect(profileClaims!({ id: 42 })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});

describe('lyft revoke: POST /oauth/revoke_refresh_token, the client by Basic and the token as JSON', () => {
  const endpoint = 'https://api.lyft.com/oauth/revoke_refresh_token';

  it('sends the refresh token once; a 200 is revoked', async () => {
    const { value, sent } = revocationRequest(answer(200), { revocationEndpoint: endpoint, clientId: 'id', clientSecret: 'secret' });
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toEqual([{ url: endpoint, init: { method: 'POST', headers: { authorization: `Basic ${Buffer.from('id:secret').toString('base64')}`, 'content-type': 'application/json' }, body: JSON.stringify({ token: 'refresh' }) } }]);
  });

  it('without a refresh token, the access token; another status is Lyft’s fault', async () => {
    const { value, sent } = revocationRequest(answer(200), { revocationEndpoint: endpoint, refreshToken: null });
    await revoke!(value);
    expect(JSON.parse(sent[0]!.init.body!)).toEqual({ token: 'live' });
    await expect(revoke!(revocationRequest(answer(500), { revocationEndpoint: endpoint }).value)).rejects.toThrow('Lyft answered HTTP 500 to the token revocation.');
  });
});
