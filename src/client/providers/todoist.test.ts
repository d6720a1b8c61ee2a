import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { todoist } from './todoist.js';

const settings = todoist.settings({});
const { authorizationScope, profileClaims, revoke } = settings.hooks!;

describe('todoist authorizationScope: comma-separated, as Todoist takes its scopes', () => {
  it('joins the scopes with commas', () => {
    expect(authorizationScope!('data:read task:add')).toBe('data:read,task:add');
    expect(settings.scope).toBe('data:read');
  });
});

describe('todoist profileClaims: /api/v1/user', () => {
  it('takes id as a string, with the full name and e-mail', () => {
    expect(profileClaims!({ id: '2671355', email: 'ada@example.com', full_name: 'Ada Lovelace', karma: 100 })).toEqual({ id: '2671355', full_name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(profileClaims!({ id: 2671355, full_name: ' ', email: '' })).toEqual({ id: '2671355' });
  });

  it.each([[{ email: 'a@b.c', full_name: 'No Id' }], [{ id: '' }], [{ id: 1.5 }], [{ id: null }], [null], [[{ id: '1' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('todoist revoke: RFC 7009 at /api/v1/revoke, the client by Basic', () => {
  const endpoint = 'https://api.todoist.com/api/v1/revoke';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status), { revocationEndpoint: endpoint, clientId: 'cid', clientSecret: 'sec', ...state });

  it('revokes the refresh token, then the access token, each with its hint and the client as Basic credentials, not in the form', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent.map((s) => s.url)).toEqual([endpoint, endpoint]);
    expect(sent.map((s) => Object.fromEntries(new URLSearchParams(s.init.body)))).toEqual([
      { token: 'refresh', token_type_hint: 'refresh_token' },
      { token: 'live', token_type_hint: 'access_token' },
    ]);
    for (const { init } of sent) {
      expect(init.method).toBe('POST');
      expect(init.headers.authorization).toBe(`Basic ${Buffer.from('cid:sec').toString('base64')}`);
    }
  });

  it('an older app without a refresh token revokes its access token alone', async () => {
    const { value, sent } = request(200, { refreshToken: null });
    expect(await revoke!(value)).toBe('revoked');
    expect(sent.map((s) => new URLSearchParams(s.init.body).get('token_type_hint'))).toEqual(['access_token']);
  });

  it('a refusal fails, and stops before the access token', async () => {
    const refused = request(401);
    await expect(revoke!(refused.value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    expect(refused.sent).toHaveLength(1);
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
