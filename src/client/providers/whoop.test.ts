import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { whoop } from './whoop.js';

const settings = whoop.settings({});
const { tokenRequest, profileClaims, revoke } = settings.hooks!;

describe('whoop tokenRequest: scope=offline on each refresh, as WHOOP documents it', () => {
  const headers = { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' };

  it('a refresh gets scope=offline beside its other members, the headers kept', () => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'c', client_secret: 's' });
    const sent = tokenRequest!({ body, headers });
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'c', client_secret: 's', scope: 'offline' });
    expect(sent.headers).toEqual(headers);
    expect(body.has('scope')).toBe(false);
  });

  it('a refresh that names its scope, and the code exchange, are sent as they are', () => {
    const narrowed = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1', scope: 'offline read:sleep' });
    expect(tokenRequest!({ body: narrowed, headers }).body).toBe(narrowed.toString());
    const exchange = new URLSearchParams({ grant_type: 'authorization_code', code: 'abc', redirect_uri: 'https://app.example/cb' });
    expect(tokenRequest!({ body: exchange, headers }).body).toBe(exchange.toString());
  });
});

describe('whoop profileClaims: /v2/user/profile/basic', () => {
  it('takes user_id, the first and last names and the e-mail', () => {
    expect(profileClaims!({ user_id: 10129, email: 'jsmith123@whoop.com', first_name: 'John', last_name: 'Smith' })).toEqual({
      user_id: 10129,
      given_name: 'John',
      family_name: 'Smith',
      email: 'jsmith123@whoop.com',
    });
  });

  it('leaves out empty names and e-mail', () => {
    expect(profileClaims!({ user_id: 7, email: '', first_name: ' ', last_name: 'Solo' })).toEqual({ user_id: 7, family_name: 'Solo' });
  });

  it.each([[{ email: 'a@b.c' }], [{ user_id: '10129' }], [{ user_id: 1.5 }], [null], [[{ user_id: 1 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('whoop revoke: DELETE /v2/user/access', () => {
  const api = 'https://api.prod.whoop.com/developer/';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status), { apiBaseUrl: api, ...state });

  it('204 is revoked; the access token goes as Bearer to the API base', async () => {
    const { value, sent } = request(204);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://api.prod.whoop.com/developer/v2/user/access');
    expect(sent[0]!.init.method).toBe('DELETE');
    expect(sent[0]!.init.headers.authorization).toBe('Bearer live');
    expect(sent[0]!.init.body).toBeUndefined();
  });

  it('its answer is read by revokeWithBearer: a 401 to a live token is already revoked, a 503 a fault of WHOOP', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error', message: 'WHOOP answered HTTP 503 to the access revocation.' });
  });
});
