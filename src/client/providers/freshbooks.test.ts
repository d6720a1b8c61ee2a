import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { freshbooks } from './freshbooks.js';

const settings = freshbooks.settings({});
const { tokenRequest, profileClaims, revoke } = settings.hooks!;

describe('freshbooks tokenRequest: the form as the JSON FreshBooks documents', () => {
  it('sends every field as JSON, with its content type and the other headers as they were', () => {
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: 'c0de', client_id: 'id', client_secret: 's', redirect_uri: 'https://app.test/cb' });
    const sent = tokenRequest!({ body, headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(sent.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json' });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'c0de', client_id: 'id', client_secret: 's', redirect_uri: 'https://app.test/cb' });
  });
});

describe('freshbooks profileClaims: the identity of /auth/api/v1/users/me', () => {
  const identity = {
    id: 2192788,
    first_name: 'Ada',
    last_name: 'Lovelace',
    email: 'ada@example.com',
    confirmed_at: '2020-03-11T09:30:00Z',
    business_memberships: [{ id: 111, role: 'owner', business: { id: 240340, business_uuid: '046cc001-0002-e93e-1db1-1186b2983879', name: 'Awesome Business Inc.', account_id: 'ABC123', active: true } }],
  };

  it('takes the id as a string, the names joined, confirmed_at as the verification, and the businesses', () => {
    expect(profileClaims!({ response: identity })).toEqual({
      id: '2192788',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      email_verified: true,
      businesses: [{ role: 'owner', id: 240340, name: 'Awesome Business Inc.', account_id: 'ABC123' }],
    });
  });

  it('an e-mail not confirmed is unverified; no names, no name', () => {
    expect(profileClaims!({ response: { ...identity, first_name: null, last_name: '', confirmed_at: null, business_memberships: undefined } })).toEqual({ id: '2192788', email: 'ada@example.com', email_verified: false, businesses: [] });
  });

  it.each([[{ response: { email: 'a@b.c' } }], [{ response: { id: '' } }], [{ response: null }], [identity], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('freshbooks revoke: the refresh token at /auth/oauth/revoke', () => {
  const request = (status: number, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(answer(status), { clientId: 'id', apiBaseUrl: 'https://api.freshbooks.com', revocationEndpoint: 'https://api.freshbooks.com/auth/oauth/revoke', ...state });

  it('200 is revoked; the refresh token and the client go as JSON', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://api.freshbooks.com/auth/oauth/revoke');
    expect(sent[0]!.init.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent[0]!.init.body!)).toEqual({ client_id: 'id', client_secret: 's', token: 'refresh' });
  });

  it('a 400 once FreshBooks refused the refresh token is already revoked; otherwise a refusal', async () => {
    expect(await revoke!(request(400, { refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(400).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
