import { describe, expect, it } from 'vitest';
import { oura } from './oura.js';

const { tokenResponse } = oura.settings({}).hooks!;

describe('oura tokenResponse: RFC 7807 refusals read as JSON', () => {
  it('an application/problem+json answer is typed application/json, its status and body kept', async () => {
    const body = { status: 400, title: 'Token already used or revoked', error: 'invalid_grant' };
    const rewritten = await tokenResponse!(new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/problem+json' } }));
    expect(rewritten.status).toBe(400);
    expect(rewritten.headers.get('content-type')).toBe('application/json');
    expect(await rewritten.json()).toEqual(body);
  });

  it('leaves JSON answers and pages that are not JSON as they came', async () => {
    const tokens = await tokenResponse!(new Response('{"access_token":"a"}', { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } }));
    expect(tokens.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const page = await tokenResponse!(new Response('<h1>Bad Gateway</h1>', { status: 502, headers: { 'content-type': 'application/problem+json' } }));
    expect(page.headers.get('content-type')).toBe('application/problem+json');
  });
});
