import { describe, expect, it } from 'vitest';
import { kit } from './kit.js';

const settings = kit.settings({});
const { profileClaims, tokenRequest } = settings.hooks!;

describe('kit settings', () => {
  it('asks for public, with no revocation endpoint (Kit documents none)', () => {
    expect(settings.scope).toBe('public');
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('kit tokenRequest: the form as the JSON body of Kit’s samples', () => {
  it('sends every member, the client among them, as JSON', () => {
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: 'abc123', redirect_uri: 'https://app.example.com/cb', client_id: 'id', client_secret: 'secret' });
    const sent = tokenRequest!({ body, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'abc123', redirect_uri: 'https://app.example.com/cb', client_id: 'id', client_secret: 'secret' });
    expect(sent.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json' });
  });
});

describe('kit profileClaims: /v4/account', () => {
  it("takes the user's id as a string and e-mail, with the account's id, name and plan", () => {
    const body = {
      user: { email: 'creator@example.com', id: 2 },
      account: { id: 5, name: 'Kit Greetings', plan_type: 'creator', primary_email_address: 'hello@example.com', created_at: '2023-02-17T11:43:55Z', timezone: { name: 'America/New_York' } },
    };
    expect(profileClaims!(body)).toEqual({ id: '2', email: 'creator@example.com', account_id: '5', account_name: 'Kit Greetings', plan_type: 'creator' });
    expect(profileClaims!({ user: { id: 3, email: ' ' } })).toEqual({ id: '3' });
  });

  it.each([[{ user: { email: 'no-id@example.com' }, account: { id: 5 } }], [{ user: { id: '2' } }], [{ user: { id: 2.5 } }], [{ account: { id: 5 } }], [null], [[]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
