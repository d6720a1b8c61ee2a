import { describe, expect, it } from 'vitest';
import { huggingface } from './huggingface.js';

describe('huggingface settings', () => {
  it('discovers https://huggingface.co, asks openid profile email, sends the client as plain Basic with PKCE, and calls the Hub API under /api', () => {
    const settings = huggingface.settings({});
    expect(settings).toMatchObject({
      discovery: { issuer: 'https://huggingface.co' },
      scope: 'openid profile email',
      apiBaseUrl: 'https://huggingface.co/api',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
    });
    // PKCE S256 (the default), as Hugging Face's own client sends it; no consent prompt, no keep-alive.
    expect(settings.pkce).toBeUndefined();
    expect(settings.refreshTokenNeedsConsent).toBeUndefined();
    expect(settings.refreshTokenIdleSeconds).toBeUndefined();
    expect(settings.endpoints).toBeUndefined();
    expect(settings.hooks).toBeUndefined();
    expect(huggingface.values).toBeUndefined();
  });
});
