import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { teamviewer } from './teamviewer.js';

const settings = teamviewer.settings({});
const { profileClaims, revoke } = settings.hooks!;

describe('teamviewer profileClaims: /api/v1/account', () => {
  it('takes the userid as it is, the name, the e-mail with email_validated as email_verified, and the company name', () => {
    expect(profileClaims!({ userid: 'u1234567', name: 'Ada Lovelace', email: 'ada@example.com', email_validated: true, email_language: 'en', company_name: 'Analytical Engines' }))
      .toEqual({ userid: 'u1234567', name: 'Ada Lovelace', email: 'ada@example.com', email_verified: true, company_name: 'Analytical Engines' });
  });

  it('an unvalidated e-mail is claimed unverified; without an e-mail, email_validated claims nothing', () => {
    expect(profileClaims!({ userid: 'u7', email: 'new@example.com', email_validated: false })).toEqual({ userid: 'u7', email: 'new@example.com', email_verified: false });
    expect(profileClaims!({ userid: 'u7', email: ' ', email_validated: true, name: '' })).toEqual({ userid: 'u7' });
  });

  it.each([[{ name: 'No Id', email: 'x@example.com' }], [{ userid: 1234567 }], [{ userid: '  ' }], [{ account: { userid: 'u1' } }], [null], ['u1']])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('teamviewer revoke: POST /api/v1/oauth2/revoke', () => {
  const endpoint = 'https://webapi.teamviewer.com/api/v1/oauth2/revoke';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status), { revocationEndpoint: endpoint, ...state });

  it('200 is revoked; the access token goes as Bearer in a POST to the configured endpoint', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers.authorization).toBe('Bearer live');
  });

  it('its answer is read by revokeWithBearer: a 401 to a live token is already revoked, a 503 a fault of TeamViewer', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error', message: 'TeamViewer answered HTTP 503 to the token revocation.' });
  });

  it('without an endpoint it does not guess one', async () => {
    await expect(revoke!(request(200, { revocationEndpoint: undefined }).value)).rejects.toThrow('revocation endpoint');
  });
});

describe('teamviewer settings', () => {
  it('asks no scope, sends the client in the form and no PKCE, and names the person by userid', () => {
    expect(settings).toMatchObject({ scope: '', tokenEndpointAuthMethod: 'client_secret_post', pkce: false, subjectClaim: 'userid', apiBaseUrl: 'https://webapi.teamviewer.com/api/v1' });
  });
});
