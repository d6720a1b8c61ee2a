import { describe, expect, it } from 'vitest';
import { atlassian } from './atlassian.js';

const hooks = atlassian.settings({}).hooks!;

describe('atlassian tokenResponse: a dead refresh token as invalid_grant', () => {
  it("403 unauthorized_client 'refresh_token is invalid' becomes invalid_grant", async () => {
    const answer = await hooks.tokenResponse!(new Response(JSON.stringify({ error: 'unauthorized_client', error_description: 'refresh_token is invalid' }), { status: 403 }));
    expect(answer.status).toBe(403);
    expect(await answer.json()).toEqual({ error: 'invalid_grant', error_description: 'refresh_token is invalid', atlassian_error: 'unauthorized_client' });
  });

  it.each([
    // The client's own refusals stay what they are: a configuration fault, not the person's grant.
    { error: 'unauthorized_client', error_description: "Grant type 'refresh_token' not allowed for the client." },
    { error: 'unauthorized_client' },
    { error: 'access_denied', error_description: 'Unauthorized' },
    { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' },
  ])('%j is passed on as it was', async (fields) => {
    const body = JSON.stringify(fields);
    const answer = await hooks.tokenResponse!(new Response(body, { status: 403 }));
    expect(await answer.text()).toBe(body);
  });

  it('a success or a server fault is not even read', async () => {
    for (const original of [new Response('{"access_token":"a","token_type":"Bearer"}', { status: 200 }), new Response('<h1>down</h1>', { status: 503 })]) {
      expect(await hooks.tokenResponse!(original)).toBe(original);
    }
  });
});
