import { describe, expect, it } from 'vitest';
import { logingov } from './logingov.js';

const { tokenResponse } = logingov.settings({}).hooks!;

describe("logingov tokenResponse: Login.gov's sentences as RFC 6749 §5.2's errors", () => {
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
  const rewritten = async (status: number, body: unknown) => {
    const response = await tokenResponse!(answer(status, body));
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('a code unknown, spent or expired, or a PKCE verifier that does not match, is invalid_grant, the sentence kept', async () => {
    const unknown = 'Code is invalid because doesn’t match any user. Please see our documentation at https://developers.login.gov/support/#invalid-code';
    expect(await rewritten(400, { error: unknown })).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: unknown } });
    expect((await rewritten(400, { error: 'Code is expired. Please see our documentation at https://developers.login.gov/support/#token-expired' })).body.error).toBe('invalid_grant');
    expect((await rewritten(400, { error: 'Code verifier code_verifier did not match code_challenge.' })).body.error).toBe('invalid_grant');
  });

  it('the client assertion refused (its signature, audience or iat), or no client authentication, is invalid_client', async () => {
    for (const sentence of [
      'Client assertion Could not validate assertion against any registered public keys. Please see our documentation at https://developers.login.gov/support/#invalid-token-signature',
      'Client assertion Invalid audience claim, expected https://secure.login.gov/api/openid_connect/token.',
      'Client assertion iat must be an integer or floating point Unix timestamp representing a time in the past.',
      'Code Client must authenticate via PKCE or private_key_jwt, missing either code_challenge or client_assertion.',
    ]) {
      expect(await rewritten(400, { error: sentence })).toEqual({ status: 400, body: { error: 'invalid_client', error_description: sentence } });
    }
  });

  it('tokens, RFC 6749 errors and other statuses pass as they were', async () => {
    const tokens = { access_token: 'hhJES3wcgjI55jzjBvZpNQ', token_type: 'Bearer', expires_in: 3600, id_token: 'a.b.c' };
    expect(await rewritten(200, tokens)).toEqual({ status: 200, body: tokens });
    expect(await rewritten(400, { error: 'invalid_grant' })).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    expect(await rewritten(503, { error: 'Service Unavailable' })).toEqual({ status: 503, body: { error: 'Service Unavailable' } });
  });
});
