import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { trainingpeaks } from './trainingpeaks.js';

const settings = trainingpeaks.settings({}, { clientId: 'acme-sync' });
const { profileClaims, revoke, tokenRequest } = settings.hooks!;

describe('trainingpeaks settings', () => {
  it('signs in at oauth.trainingpeaks.com, reads the athlete at api.trainingpeaks.com, asks athlete:profile workouts:read, sends the client in the form, and no PKCE', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://oauth.trainingpeaks.com/OAuth/Authorize',
        tokenEndpoint: 'https://oauth.trainingpeaks.com/oauth/token',
        userinfoEndpoint: 'https://api.trainingpeaks.com/v1/athlete/profile',
        revocationEndpoint: 'https://oauth.trainingpeaks.com/oauth/deauthorize',
      },
      scope: 'athlete:profile workouts:read',
      apiBaseUrl: 'https://api.trainingpeaks.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(trainingpeaks.values).toEqual({ userAgent: 'optional' });
  });
});

describe('trainingpeaks User-Agent: <client_identifier>/<version>, on the API calls and the token requests', () => {
  const form = () => new URLSearchParams({ grant_type: 'authorization_code', code: 'c' });

  it('is the client id followed by /1.0 unless <NAME>_USER_AGENT gives one, and the caller cannot change it', () => {
    expect(settings.apiHeaders).toEqual({ 'user-agent': 'acme-sync/1.0' });
    expect(settings.fixedApiHeaders).toEqual(['user-agent']);
    expect(trainingpeaks.settings({ userAgent: 'AcmeCoach/4.2' }, { clientId: 'acme-sync' }).apiHeaders).toEqual({ 'user-agent': 'AcmeCoach/4.2' });
    expect(trainingpeaks.settings({}, { clientId: 'a b\r\n' }).apiHeaders).toEqual({ 'user-agent': 'Tokenkeeper/1.0' });
  });

  it('replaces the token request’s own User-Agent and keeps the form and the other headers', () => {
    const sent = tokenRequest!({ body: form(), headers: { accept: 'application/json', 'User-Agent': 'openid-client' } });
    expect(sent.headers).toEqual({ accept: 'application/json', 'user-agent': 'acme-sync/1.0' });
    expect(new URLSearchParams(sent.body)).toEqual(form());
  });
});

describe('trainingpeaks profileClaims: the athlete of /v1/athlete/profile', () => {
  it('takes the numeric Id as text, the names and the e-mail, not the time zone or the premium flag', () => {
    expect(profileClaims!({ Id: 123456, FirstName: 'John', LastName: ' Doe ', Email: 'john@example.com', TimeZone: 'America/Denver', BirthMonth: '1980-10', Sex: 'm', IsPremium: true, PreferredUnits: 'English' })).toEqual({
      id: '123456',
      name: 'John Doe',
      given_name: 'John',
      family_name: 'Doe',
      email: 'john@example.com',
    });
  });

  it('leaves out what is empty', () => {
    expect(profileClaims!({ Id: 7, FirstName: '', LastName: 'Hopper', Email: null })).toEqual({ id: '7', name: 'Hopper', family_name: 'Hopper' });
    expect(profileClaims!({ Id: 8 })).toEqual({ id: '8' });
  });

  it.each([[{ Id: '123456' }], [{ id: 123456 }], [{ Id: 0 }], [{ Id: 1.5 }], [{ Message: 'Authorization has been denied for this request.' }], [null], [[{ Id: 1 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('trainingpeaks revoke: POST /oauth/deauthorize', () => {
  const endpoint = 'https://oauth.trainingpeaks.com/oauth/deauthorize';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status), { revocationEndpoint: endpoint, apiHeaders: { 'user-agent': 'acme-sync/1.0' }, ...state });

  it('200 or 204 is revoked; the access token goes as Bearer in a POST to the configured endpoint, with the User-Agent', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers).toEqual({ authorization: 'Bearer live', 'user-agent': 'acme-sync/1.0' });
    expect(await revoke!(request(204).value)).toBe('revoked');
  });

  it('its answer is read by revokeWithBearer: a 401 to a live token is already revoked, a 503 a fault of TrainingPeaks', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error', message: 'TrainingPeaks answered HTTP 503 to the deauthorization.' });
  });

  it('without an endpoint it does not guess one', async () => {
    await expect(revoke!(request(200, { revocationEndpoint: undefined }).value)).rejects.toThrow('deauthorize endpoint');
  });
});
