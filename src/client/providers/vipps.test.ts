import { describe, expect, it } from 'vitest';
import { vipps } from './vipps.js';

describe('vipps settings', () => {
  const settings = vipps.settings({});

  it('discovers the production issuer, with its trailing slash, and asks for the identity scopes Login names', () => {
    expect(settings.discovery).toEqual({ issuer: 'https://api.vipps.no/access-management-1.0/access/' });
    expect(settings.scope).toBe('openid name email phoneNumber');
    expect(settings.apiBaseUrl).toBe('https://api.vipps.no');
  });

  it("sends the client as Basic of client_id:client_secret joined as they are, as Vipps's own example encodes them", () => {
    expect(settings).toMatchObject({ tokenEndpointAuthMethod: 'client_secret_basic', basicCredentials: 'plain' });
  });
});
