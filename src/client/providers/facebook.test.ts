import { describe, expect, it } from 'vitest';
import { facebook } from './facebook.js';

const hooks = facebook.settings({}).hooks!;
const graphAnswer = (status: number, error: Record<string, unknown>) => new Response(JSON.stringify({ error: { ...error, fbtrace_id: 'x' } }), { status, headers: { 'content-type': 'application/json' } });

describe('Facebook preset', () => {
  it.each([
    ['an expired session (190/463)', { type: 'OAuthException', code: 190, error_subcode: 463 }, true],
    ['a changed password (190/460)', { type: 'OAuthException', code: 190, error_subcode: 460 }, true],
    ['an API session error (102)', { type: 'OAuthException', code: 102 }, true],
    ['an invalid parameter (100)', { type: 'OAuthException', code: 100 }, false],
    ['a missing permission (200)', { type: 'OAuthException', code: 200 }, false],
    ['a missing appsecret_proof', { type: 'GraphMethodException', code: 100 }, false],
  ])('reads %s as a refused token: %s', async (_what, error, refused) => {
    expect(await hooks.tokenRejected!(graphAnswer(400, error))).toBe(refused);
  });

  it("rewrites the token endpoint's Graph errors into RFC 6749 §5.2 codes", async () => {
    const secret = await hooks.tokenResponse!(graphAnswer(400, { message: 'Error validating client secret.', type: 'OAuthException', code: 1 }));
    expect(secret.status).toBe(401);
    expect(await secret.json()).toMatchObject({ error: 'invalid_client' });
    const code = await hooks.tokenResponse!(graphAnswer(400, { message: 'This authorization code has been used.', type: 'OAuthException', code: 100, error_subcode: 36009 }));
    expect(code.status).toBe(400);
    expect(await code.json()).toMatchObject({ error: 'invalid_grant' });
  });
});
