import { describe, expect, it, vi } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { digilocker } from './digilocker.js';

const ID = '123e4567-e89b-12d3-a456-426655440000';

describe('digilocker preset', () => {
  it('uses api.digitallocker.gov.in/public/oauth2, or the sandbox by its host, with no scope, the client in the form and the digilockerid as subject', () => {
    expect(digilocker.settings({})).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://api.digitallocker.gov.in/public/oauth2/1/authorize',
        tokenEndpoint: 'https://api.digitallocker.gov.in/public/oauth2/1/token',
        userinfoEndpoint: 'https://api.digitallocker.gov.in/public/oauth2/1/user',
        revocationEndpoint: 'https://api.digitallocker.gov.in/public/oauth2/1/revoke',
      },
      scope: '',
      apiBaseUrl: 'https://api.digitallocker.gov.in/public/oauth2',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'digilockerid',
    });
    expect(digilocker.settings({}).pkce).toBeUndefined();
    expect(digilocker.settings({ baseUrl: 'https://betaapi.digitallocker.gov.in/' }).endpoints!.tokenEndpoint).toBe('https://betaapi.digitallocker.gov.in/public/oauth2/1/token');
  });

  it('reads the user under details or at the top, the DDMMYYYY date of birth also as ISO 8601; an answer without a 36-character id names no one', () => {
    const profileClaims = digilocker.settings({}).hooks!.profileClaims!;
    const user = { digilockerid: ID, name: 'Sunil Kumar', dob: '31121970', gender: 'M', eaadhaar: 'Y' };
    const claims = { digilockerid: ID, name: 'Sunil Kumar', birthdate: '1970-12-31', gender: 'M', eaadhaar: 'Y' };
    expect(profileClaims({ details: user })).toEqual(claims);
    expect(profileClaims(user)).toEqual(claims);
    expect(profileClaims({ ...user, eaadhaar: undefined, eaadhar: 'N', dob: 'unknown' })).toEqual({ digilockerid: ID, name: 'Sunil Kumar', gender: 'M', eaadhaar: 'N' });
    expect(profileClaims({ details: { ...user, digilockerid: 'short' } })).toBeUndefined();
    expect(profileClaims({ name: 'Sunil Kumar' })).toBeUndefined();
    expect(profileClaims(null)).toBeUndefined();
  });

  describe('revoke', () => {
    const revoke = digilocker.settings({}).hooks!.revoke!;
    const request = (status: number, refreshToken: string | null): RevocationRequest & { send: ReturnType<typeof vi.fn> } => ({
      clientId: 'ABCDEFG',
      clientSecret: 's3cret',
      apiBaseUrl: undefined,
      revocationEndpoint: 'https://api.digitallocker.gov.in/public/oauth2/1/revoke',
      apiHeaders: {},
      accessToken: 'at',
      accessTokenExpired: false,
      refreshTokenRefused: false,
      refreshToken,
      send: vi.fn(async () => new Response(null, { status })),
    });

    it('sends the refresh token once, as JSON with its hint, the client as Basic', async () => {
      const asked = request(200, 'rt');
      expect(await revoke(asked)).toBe('revoked');
      expect(asked.send).toHaveBeenCalledTimes(1);
      const [url, init] = asked.send.mock.calls[0]!;
      expect(url).toBe('https://api.digitallocker.gov.in/public/oauth2/1/revoke');
      expect(JSON.parse(init.body)).toEqual({ token: 'rt', token_type_hint: 'refresh_token' });
      expect(init.headers).toMatchObject({ 'content-type': 'application/json', authorization: `Basic ${Buffer.from('ABCDEFG:s3cret').toString('base64')}` });
    });

    it('sends the access token when there is no refresh token; a 400 (the token is invalid) is revoked already, a 500 a failure', async () => {
      const asked = request(400, null);
      expect(await revoke(asked)).toBe('already_revoked');
      expect(JSON.parse(asked.send.mock.calls[0]![1].body)).toEqual({ token: 'at', token_type_hint: 'access_token' });
      await expect(revoke(request(500, 'rt'))).rejects.toThrow('DigiLocker answered HTTP 500');
    });
  });
});
