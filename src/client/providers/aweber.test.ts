import { describe, expect, it } from 'vitest';
import { aweber } from './aweber.js';

const settings = aweber.settings({});
const { profileClaims, tokenResponse } = settings.hooks!;

describe('aweber settings', () => {
  it('asks for account.read with no PKCE (a confidential client must not use it), the client as Basic, and revokes at /oauth2/revoke', () => {
    expect(settings.scope).toBe('account.read');
    expect(settings.pkce).toBe(false);
    expect(settings.tokenEndpointAuthMethod).toBe('client_secret_basic');
    expect(settings.endpoints?.revocationEndpoint).toBe('https://auth.aweber.com/oauth2/revoke');
  });
});

describe('aweber tokenResponse: an answer without token_type', () => {
  const answered = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it("reads the traces' answer, which names no token_type, as Bearer", async () => {
    const body = { access_token: 'uPloUGQL689I9qYk1nkwjb2yZirWnoja', refresh_token: 'XF2OZN3dmSSphGimcoNbq839UGT0lGo2', expires_in: 7200, state: '62cdb1ee8a5c40f6ba0d5de1dfa83113' };
    const read = await tokenResponse!(answered(200, body));
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ ...body, token_type: 'Bearer' });
  });

  it('leaves an answer that names its token_type, and a refusal, as they came', async () => {
    const typed = { access_token: 'a', token_type: 'bearer', expires_in: 7200, refresh_token: 'r' };
    expect(await (await tokenResponse!(answered(200, typed))).json()).toEqual(typed);
    const refused = await tokenResponse!(answered(400, { error: 'invalid_grant', error_description: 'Invalid authorization code' }));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid authorization code' });
  });
});

describe('aweber profileClaims: the single entry of /1.0/accounts', () => {
  it('takes the id as a string, with the uuid and company, and none of the links', () => {
    const body = {
      entries: [{ id: 123, uuid: 'b619e767-9de6-43b7-a914-9a8d77a08ee5', company: 'Example Company 1', http_etag: '"902ba3cd"', self_link: 'https://api.aweber.com/1.0/accounts/123', lists_collection_link: 'https://api.aweber.com/1.0/accounts/123/lists' }],
      start: 0,
      total_size: 1,
      resource_type_link: 'https://api.aweber.com/1.0/#accounts',
    };
    expect(profileClaims!(body)).toEqual({ id: '123', uuid: 'b619e767-9de6-43b7-a914-9a8d77a08ee5', company: 'Example Company 1' });
    expect(profileClaims!({ entries: [{ id: 7, company: ' ' }] })).toEqual({ id: '7' });
  });

  it.each([[{ entries: [] }], [{ entries: [{ uuid: 'no-id' }] }], [{ entries: [{ id: '123' }] }], [{ entries: {} }], [{ id: 123 }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
