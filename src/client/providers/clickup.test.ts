import { describe, expect, it } from 'vitest';
import { clickup } from './clickup.js';

const hooks = clickup.settings({}).hooks!;
const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('ClickUp preset', () => {
  it('reads the person from the user of /api/v2/user, and no one from another answer', () => {
    const user = { id: 183, username: 'John Doe', email: 'john@example.com', color: '#000000', profilePicture: null };
    expect(hooks.profileClaims!({ user })).toEqual(user);
    expect(hooks.profileClaims!({ err: 'Token invalid', ECODE: 'OAUTH_025' })).toBeUndefined();
    expect(hooks.profileClaims!(null)).toBeUndefined();
  });

  it('leaves a token answer as it came: the token_type ClickUp leaves out is the core’s (omitsTokenType)', async () => {
    expect(clickup.settings({}).omitsTokenType).toBe(true);
    expect(await (await hooks.tokenResponse!(answer(200, { access_token: '42_abc' }))).json()).toEqual({ access_token: '42_abc' });
  });

  it('reads an { err, ECODE } refusal as invalid_client (OAUTH_010 or HTTP 401) or invalid_grant, and leaves server faults and RFC 6749 errors as they are', async () => {
    const client = await hooks.tokenResponse!(answer(400, { err: 'Client Not Found', ECODE: 'OAUTH_010' }));
    expect(client.status).toBe(401);
    expect(await client.json()).toEqual({ error: 'invalid_client', error_description: 'Client Not Found OAUTH_010' });
    expect(await (await hooks.tokenResponse!(answer(401, { err: 'Unauthorized' }))).json()).toMatchObject({ error: 'invalid_client' });
    const code = await hooks.tokenResponse!(answer(400, { err: 'Code not found', ECODE: 'OAUTH_014' }));
    expect(code.status).toBe(400);
    expect(await code.json()).toEqual({ error: 'invalid_grant', error_description: 'Code not found OAUTH_014' });
    const fault = await hooks.tokenResponse!(answer(500, { err: 'Internal error', ECODE: 'SHARD_001' }));
    expect(fault.status).toBe(500);
    expect(await fault.json()).toEqual({ err: 'Internal error', ECODE: 'SHARD_001' });
    expect(await (await hooks.tokenResponse!(answer(400, { error: 'invalid_request' }))).json()).toEqual({ error: 'invalid_request' });
  });
});
