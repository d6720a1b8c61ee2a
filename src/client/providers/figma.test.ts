import { describe, expect, it } from 'vitest';
import { figma } from './figma.js';

const { tokenResponse, tokenRejected } = figma.settings({}).hooks!;

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('figma tokenResponse: Figma’s refusals as RFC 6749 §5.2 errors', () => {
  it('a refused code or refresh token (400) is invalid_grant; 401, 403 or a message about the client invalid_client; the status stays', async () => {
    const read = async (status: number, message: string) => {
      const rewritten = await tokenResponse!(answer(status, { error: true, status, message, i18n: null }));
      return { status: rewritten.status, body: await rewritten.json() };
    };
    expect(await read(400, 'Invalid code')).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid code' } });
    expect(await read(400, 'Invalid refresh token')).toMatchObject({ body: { error: 'invalid_grant' } });
    expect(await read(401, 'Invalid client credentials')).toEqual({ status: 401, body: { error: 'invalid_client', error_description: 'Invalid client credentials' } });
    expect(await read(403, 'Forbidden')).toMatchObject({ body: { error: 'invalid_client' } });
    expect(await read(400, 'Parameter client_id is required')).toMatchObject({ body: { error: 'invalid_client' } });
    expect(await read(404, 'Not found')).toMatchObject({ body: { error: 'invalid_request' } });
  });

  it('leaves tokens, server faults and RFC 6749 errors as they came: a refresh answer without token_type is the core’s (omitsTokenType)', async () => {
    expect(figma.settings({}).omitsTokenType).toBe(true);
    expect(await (await tokenResponse!(answer(200, { access_token: 'figu_a', expires_in: 7_776_000 }))).json()).toEqual({ access_token: 'figu_a', expires_in: 7_776_000 });
    const tokens = { user_id_string: '123', access_token: 'figu_a', token_type: 'bearer', expires_in: 7_776_000, refresh_token: 'figur_r' };
    expect(await (await tokenResponse!(answer(200, tokens))).json()).toEqual(tokens);
    const outage = await tokenResponse!(answer(503, { error: true, status: 503, message: 'Service Unavailable' }));
    expect(outage.status).toBe(503);
    expect(await (await tokenResponse!(answer(400, { error: 'invalid_grant' }))).json()).toEqual({ error: 'invalid_grant' });
  });
});

describe('figma tokenRejected: a 403 “Invalid token” is the token refused', () => {
  it('reads only that 403 as the token refused', async () => {
    expect(await tokenRejected!(answer(403, { status: 403, err: 'Invalid token' }))).toBe(true);
    expect(await tokenRejected!(answer(403, { status: 403, err: 'Invalid scope: file_content:read is required' }))).toBe(false);
    expect(await tokenRejected!(answer(403, { status: 403, err: 'Forbidden' }))).toBe(false);
    expect(await tokenRejected!(answer(404, { status: 404, err: 'Invalid token' }))).toBe(false);
    expect(await tokenRejected!(new Response('<h1>Forbidden</h1>', { status: 403 }))).toBe(false);
  });
});

describe('figma settings', () => {
  it('refreshes at /v1/oauth/refresh, beside the token endpoint, with plain Basic credentials', () => {
    const settings = figma.settings({});
    expect(settings.endpoints).toMatchObject({ tokenEndpoint: 'https://api.figma.com/v1/oauth/token', refreshEndpoint: 'https://api.figma.com/v1/oauth/refresh' });
    expect(settings).toMatchObject({ tokenEndpointAuthMethod: 'client_secret_basic', basicCredentials: 'plain', scope: 'current_user:read' });
  });
});
