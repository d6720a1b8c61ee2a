import { describe, expect, it } from 'vitest';
import { pipedrive } from './pipedrive.js';

const hooks = pipedrive.settings({}).hooks!;

describe('Pipedrive preset', () => {
  it('reads the person from data of a successful /api/v1/users/me, and no one from a refusal', () => {
    expect(hooks.profileClaims!({ success: true, data: { id: 42, name: 'Ada', email: 'ada@acme.test', company_id: 7 } })).toEqual({ id: 42, name: 'Ada', email: 'ada@acme.test', company_id: 7 });
    expect(hooks.profileClaims!({ success: false, error: 'unauthorized access', errorCode: 401 })).toBeUndefined();
    expect(hooks.profileClaims!({ success: true, data: [] })).toBeUndefined();
    expect(hooks.profileClaims!(null)).toBeUndefined();
  });

  it('reads the granted scopes, which Pipedrive lists with commas, as RFC 6749 §3.3 space-separated ones, and leaves the rest of the answer as it is', async () => {
    const answer = new Response(JSON.stringify({ access_token: 'at', scope: 'base,deals:full, contacts:read', api_domain: 'https://acme.pipedrive.com' }), { status: 200, headers: { 'content-type': 'application/json' } });
    expect(await (await hooks.tokenResponse!(answer)).json()).toEqual({ access_token: 'at', scope: 'base deals:full contacts:read', api_domain: 'https://acme.pipedrive.com' });
    const refusal = new Response(JSON.stringify({ error: 'invalid_grant' }), { status: 400, headers: { 'content-type': 'application/json' } });
    const kept = await hooks.tokenResponse!(refusal);
    expect(kept.status).toBe(400);
    expect(await kept.json()).toEqual({ error: 'invalid_grant' });
  });
});
