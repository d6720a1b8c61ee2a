import { describe, expect, it } from 'vitest';
import { front } from './front.js';

const settings = front.settings({});
const { tokenResponse } = settings.hooks!;
const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('front settings', () => {
  it('sends no scope (the app sets them), Basic credentials as they are, and has no revocation endpoint (Front documents none)', () => {
    expect(settings.scope).toBe('');
    expect(settings).toMatchObject({ tokenEndpointAuthMethod: 'client_secret_basic', basicCredentials: 'plain', subjectClaim: 'id' });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('front tokenResponse: the expires_in RFC 6749 names', () => {
  it("adds the documented hour to an answer that says no lifetime, keeping Front's members", async () => {
    const kept = await (await tokenResponse!(answer(200, { access_token: 'at', refresh_token: 'rt', token_type: 'Bearer' }))).json();
    expect(kept).toEqual({ access_token: 'at', refresh_token: 'rt', token_type: 'Bearer', expires_in: 3600 });
  });

  it('reads an expires_at time, in seconds or in milliseconds, as the seconds left', async () => {
    const inSeconds = Math.floor(Date.now() / 1000) + 1800;
    const fromSeconds = (await (await tokenResponse!(answer(200, { access_token: 'at', token_type: 'Bearer', expires_at: inSeconds }))).json()) as Record<string, unknown>;
    expect(fromSeconds).not.toHaveProperty('expires_at');
    expect(fromSeconds.expires_in).toBeGreaterThan(1790);
    expect(fromSeconds.expires_in).toBeLessThanOrEqual(1800);
    const fromMs = (await (await tokenResponse!(answer(200, { access_token: 'at', token_type: 'Bearer', expires_at: inSeconds * 1000 }))).json()) as Record<string, unknown>;
    expect(fromMs.expires_in).toBeGreaterThan(1790);
    expect(fromMs.expires_in).toBeLessThanOrEqual(1800);
    expect(await (await tokenResponse!(answer(200, { access_token: 'at', expires_at: 'soon' }))).json()).toEqual({ access_token: 'at', expires_in: 3600 });
  });

  it('leaves an answer that names expires_in, and refusals, as they came', async () => {
    expect(await (await tokenResponse!(answer(200, { access_token: 'at', expires_in: 60 }))).json()).toEqual({ access_token: 'at', expires_in: 60 });
    const refusal = await tokenResponse!(answer(400, { error: 'invalid_grant' }));
    expect(refusal.status).toBe(400);
    expect(await refusal.json()).toEqual({ error: 'invalid_grant' });
  });
});
