import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { intervals_icu } from './intervals_icu.js';

const { authorizationScope, tokenResponse, tokenResponseProfile, revoke } = intervals_icu.settings({}).hooks!;

const jsonAnswer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('intervals_icu scopes: comma-joined in the authorization request and in the token answer', () => {
  it('joins the asked scopes with commas', () => {
    expect(authorizationScope!('ACTIVITY:READ WELLNESS:WRITE')).toBe('ACTIVITY:READ,WELLNESS:WRITE');
  });

  it("reads the token answer's granted scopes back space-separated, the rest of the answer as it came", async () => {
    const tokens = { token_type: 'Bearer', access_token: 'd842c1fc', scope: 'ACTIVITY:WRITE,WELLNESS:WRITE', athlete: { id: '2049151', name: 'David' } };
    expect(await (await tokenResponse!(jsonAnswer(200, tokens))).json()).toEqual({ ...tokens, scope: 'ACTIVITY:WRITE WELLNESS:WRITE' });
  });

  it('leaves a single scope, a refusal and an outage as they came', async () => {
    const single = { token_type: 'Bearer', access_token: 'a', scope: 'ACTIVITY:READ' };
    expect(await (await tokenResponse!(jsonAnswer(200, single))).json()).toEqual(single);
    const refused = await tokenResponse!(jsonAnswer(400, { error: 'invalid_grant' }));
    expect({ status: refused.status, body: await refused.json() }).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    expect((await tokenResponse!(new Response('Service Unavailable', { status: 503 }))).status).toBe(503);
  });
});

describe("intervals_icu tokenResponseProfile: the token answer's athlete", () => {
  it('the id as text and the name; not the tokens', () => {
    expect(tokenResponseProfile!({ access_token: 'a', scope: 'ACTIVITY:READ', athlete: { id: '2049151', name: 'David (intervals.icu)' } })).toEqual({ id: '2049151', name: 'David (intervals.icu)' });
    expect(tokenResponseProfile!({ athlete: { id: 2049151, name: ' ' } })).toEqual({ id: '2049151' });
  });

  it.each([[{ access_token: 'a' }], [{ athlete: { name: 'No Id' } }], [{ athlete: { id: '' } }], [{ athlete: { id: 1.5 } }], [{ athlete: 'i2049151' }]])('finds no one in %j', (body) => {
    expect(tokenResponseProfile!(body)).toBeUndefined();
  });
});

describe('intervals_icu revoke: DELETE /disconnect-app', () => {
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status), { apiBaseUrl: 'https://intervals.icu/api/v1/', ...state });

  it('2xx is revoked; the access token goes as Bearer to the API base', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://intervals.icu/api/v1/disconnect-app');
    expect(sent[0]!.init.method).toBe('DELETE');
    expect(sent[0]!.init.headers.authorization).toBe('Bearer live');
  });

  it('a 401 to a live token is already revoked, a 503 a fault of Intervals.icu', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error', message: 'Intervals.icu answered HTTP 503 to the app disconnection.' });
  });
});
