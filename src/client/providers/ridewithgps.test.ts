import { describe, expect, it } from 'vitest';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { ridewithgps } from './ridewithgps.js';

const settings = ridewithgps.settings({});
const { tokenRequest, profileClaims, revoke } = settings.hooks!;

describe('ridewithgps tokenRequest: the JSON body Ride with GPS documents', () => {
  it('sends the form as JSON with the client in it, and no form content type', () => {
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: 'g1', redirect_uri: 'https://app.example.com/cb', client_id: 'c', client_secret: 's' });
    const sent = tokenRequest!({ body: form, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'g1', redirect_uri: 'https://app.example.com/cb', client_id: 'c', client_secret: 's' });
    expect(sent.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json' });
  });
});

describe('ridewithgps profileClaims: { user } of /users/current.json', () => {
  it('takes the id and the name', () => {
    expect(profileClaims!({ user: { id: 1, name: 'Bob', created_at: '2024-01-17T01:45:09Z' } })).toEqual({ id: 1, name: 'Bob' });
  });

  it('leaves out an empty name', () => {
    expect(profileClaims!({ user: { id: 7, name: ' ' } })).toEqual({ id: 7 });
  });

  it.each([[{ id: 1, name: 'Bob' }], [{ user: { id: '1' } }], [{ user: { id: 1.5 } }], [{ user: null }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('ridewithgps revoke: POST /oauth/revoke.json', () => {
  const endpoint = 'https://ridewithgps.com/oauth/revoke.json';

  it('200 is revoked; the client and the access token go in a JSON body', async () => {
    const { value, sent } = revocationRequest(answer(200, {}), { revocationEndpoint: endpoint });
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers['content-type']).toBe('application/json');
    expect(JSON.parse(String(sent[0]!.init.body))).toEqual({ client_id: 'c', client_secret: 's', token: 'live' });
  });

  it('a refusal fails, as a provider error for a 5xx', async () => {
    await expect(revoke!(revocationRequest(answer(401, { error: 'invalid_client' }), { revocationEndpoint: endpoint }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(revocationRequest(answer(503), { revocationEndpoint: endpoint }).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
