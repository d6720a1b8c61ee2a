import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { dialpad } from './dialpad.js';

const settings = dialpad.settings({});
const { tokenRequest, profileClaims, revoke } = settings.hooks!;

describe('dialpad tokenRequest: the form as the JSON body Dialpad documents', () => {
  it('sends every member as JSON with its content type, the other headers kept', () => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'id', client_secret: 's' });
    const sent = tokenRequest!({ body, headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(sent.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json' });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'id', client_secret: 's' });
  });
});

describe('dialpad profileClaims: /api/v2/users/me', () => {
  const me = { id: '5835806903417907', company_id: '4508591728425653', display_name: 'Test Bot', emails: ['bot@fuzz-ball.com', 'other@fuzz-ball.com'], first_name: 'Test', last_name: 'Bot', state: 'active' };

  it('takes the id as a string, the display name, the names, the first e-mail and the company', () => {
    expect(profileClaims!(me)).toEqual({ id: '5835806903417907', name: 'Test Bot', given_name: 'Test', family_name: 'Bot', email: 'bot@fuzz-ball.com', company_id: '4508591728425653' });
  });

  it('a numeric id is written as a string; without a display name the names are joined; no e-mails, no e-mail', () => {
    expect(profileClaims!({ id: 42, first_name: 'Ada', last_name: 'Lovelace', display_name: '', emails: [] })).toEqual({ id: '42', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace' });
  });

  it.each([[{ emails: ['a@b.c'] }], [{ id: '' }], [{ id: 'me' }], [{ id: 1.5 }], [{ id: -3 }], [null], [[me]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('dialpad revoke: POST /oauth2/deauthorize', () => {
  const endpoint = 'https://dialpad.com/oauth2/deauthorize';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status), { revocationEndpoint: endpoint, ...state });

  it('204 is revoked; the access token goes as Bearer, with no body', async () => {
    const { value, sent } = request(204);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers.authorization).toBe('Bearer live');
    expect(sent[0]!.init.body).toBeUndefined();
  });

  it('its answer is read by revokeWithBearer: a 401 to a live token is already revoked, a 503 a fault of Dialpad', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error', message: 'Dialpad answered HTTP 503 to the deauthorization.' });
  });

  it('without the endpoint it cannot revoke', async () => {
    await expect(revoke!(request(204, { revocationEndpoint: undefined }).value)).rejects.toThrow('deauthorize endpoint');
  });
});
