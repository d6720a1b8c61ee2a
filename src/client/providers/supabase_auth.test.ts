import { describe, expect, it } from 'vitest';
import { supabase_auth } from './supabase_auth.js';

describe('supabase_auth preset', () => {
  it('discovers <project URL>/auth/v1, asks openid email profile with PKCE, sends the client as Basic (the confidential default) as written, and calls the issuer', () => {
    const settings = supabase_auth.settings({ baseUrl: 'https://abcdefghijklmnopqrst.supabase.co/' });
    expect(settings).toEqual({
      discovery: { issuer: 'https://abcdefghijklmnopqrst.supabase.co/auth/v1' },
      scope: 'openid email profile',
      apiBaseUrl: 'https://abcdefghijklmnopqrst.supabase.co/auth/v1',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
    });
    // PKCE S256 is the core's default, which Supabase requires.
    expect(settings.pkce).toBeUndefined();
    expect(supabase_auth.values).toEqual({ baseUrl: 'issuer' });
  });

  it('keeps the CLI stack’s local URL with its port', () => {
    expect(supabase_auth.settings({ baseUrl: 'http://localhost:54321' }).discovery).toEqual({ issuer: 'http://localhost:54321/auth/v1' });
  });
});
