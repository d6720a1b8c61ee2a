import { describe, expect, it } from 'vitest';
import { withChallengeWithoutErrorDropped } from '../challenge-without-error.js';
import { kanidm } from './kanidm.js';

const settings = kanidm.settings({ baseUrl: 'https://idm.acme.test/' }, { clientId: 'wiki' });
const tokenResponse = settings.hooks!.tokenResponse!;

describe('Kanidm preset', () => {
  it("finds the client's own issuer under /oauth2/openid and calls it, with Basic, no offline_access, and 16-hour refresh tokens", () => {
    expect(settings).toMatchObject({
      discovery: { issuer: 'https://idm.acme.test/oauth2/openid/wiki' },
      scope: 'openid profile email',
      apiBaseUrl: 'https://idm.acme.test/oauth2/openid/wiki',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 16 * 3600,
    });
  });

  it('reads the empty HTTP 401 it refuses a client with as RFC 6749 §5.2 invalid_client', async () => {
    // Read as the core reads it: the preset's rewrite, then the bare challenge dropped.
    const rewritten = await withChallengeWithoutErrorDropped(await tokenResponse(new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer' } })));
    expect(rewritten.status).toBe(401);
    expect(rewritten.headers.get('content-type')).toBe('application/json');
    expect(rewritten.headers.get('www-authenticate')).toBeNull();
    expect(await rewritten.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('leaves an answer with a body, a success, and other statuses as they were', async () => {
    const refusal = await tokenResponse(new Response('{"error":"invalid_grant"}', { status: 400, headers: { 'content-type': 'application/json' } }));
    expect([refusal.status, await refusal.json()]).toEqual([400, { error: 'invalid_grant' }]);
    const described = await tokenResponse(new Response('{"error":"invalid_client"}', { status: 401 }));
    expect(await described.text()).toBe('{"error":"invalid_client"}');
    const success = await tokenResponse(new Response('{"access_token":"at","token_type":"Bearer"}', { status: 200 }));
    expect(await success.text()).toBe('{"access_token":"at","token_type":"Bearer"}');
    expect((await tokenResponse(new Response(null, { status: 500 }))).status).toBe(500);
  });
});
