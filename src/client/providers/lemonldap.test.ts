import { describe, expect, it } from 'vitest';
import { lemonldap } from './lemonldap.js';

const settings = lemonldap.settings({ baseUrl: 'https://auth.acme.test' });
const tokenResponse = settings.hooks!.tokenResponse!;
const json = (body: unknown, status: number) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('LemonLDAP::NG preset', () => {
  it('finds the issuer at the portal URL with its trailing slash and the API under /oauth2, with offline_access and the client in the form', () => {
    expect(settings).toMatchObject({
      discovery: { issuer: 'https://auth.acme.test/' },
      apiBaseUrl: 'https://auth.acme.test/oauth2',
      scope: 'openid profile email offline_access',
      tokenEndpointAuthMethod: 'client_secret_post',
    });
    expect(lemonldap.settings({ baseUrl: 'https://auth.acme.test/' }).discovery).toEqual({ issuer: 'https://auth.acme.test/' });
  });

  it('has no API base of its own when only <NAME>_ISSUER is given', () => {
    expect(lemonldap.settings({})).not.toHaveProperty('apiBaseUrl');
  });

  it('reads its invalid_request for a refresh token it does not know as RFC 6749 §5.2 invalid_grant', async () => {
    const rewritten = await tokenResponse(json({ error: 'invalid_request' }, 400));
    expect(rewritten.status).toBe(400);
    expect(rewritten.headers.get('content-type')).toBe('application/json');
    expect(await rewritten.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('leaves its other refusals, a body that is not JSON, a success and other statuses as they were', async () => {
    const grant = await tokenResponse(json({ error: 'invalid_grant' }, 400));
    expect([grant.status, await grant.json()]).toEqual([400, { error: 'invalid_grant' }]);
    const client = await tokenResponse(json({ error: 'invalid_request' }, 401));
    expect([client.status, await client.json()]).toEqual([401, { error: 'invalid_request' }]);
    const html = await tokenResponse(new Response('<html>Bad Request</html>', { status: 400 }));
    expect(await html.text()).toBe('<html>Bad Request</html>');
    const success = await tokenResponse(new Response('{"access_token":"at","token_type":"Bearer"}', { status: 200 }));
    expect(await success.text()).toBe('{"access_token":"at","token_type":"Bearer"}');
  });
});
