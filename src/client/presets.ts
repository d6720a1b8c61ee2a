import type { ProviderSettings } from './provider-settings.js';

/** The part of ProviderSettings a preset fills in; environment variables still win. */
export type ProviderPreset = Partial<Omit<ProviderSettings, 'name' | 'clientId' | 'clientSecret' | 'allowInsecureHttp'>>;

/**
 * Well-known providers as data over the one tested core. GitHub is plain
 * OAuth 2.0 (no ID token): the subject is the numeric `id` from its user API.
 */
export const PROVIDER_PRESETS: Readonly<Record<string, ProviderPreset>> = {
  github: {
    displayName: 'GitHub',
    endpoints: {
      issuer: 'https://github.com',
      authorizationEndpoint: 'https://github.com/login/oauth/authorize',
      tokenEndpoint: 'https://github.com/login/oauth/access_token',
      userinfoEndpoint: 'https://api.github.com/user',
    },
    scope: 'read:user user:email',
    apiBaseUrl: 'https://api.github.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'login' },
  },
  google: {
    displayName: 'Google',
    discovery: { issuer: 'https://accounts.google.com' },
    scope: 'openid email profile',
    apiBaseUrl: 'https://www.googleapis.com',
    // Google issues a refresh token only for offline access with fresh consent.
    authorizationParams: { access_type: 'offline', prompt: 'consent' },
  },
};

export function findPreset(name: string): ProviderPreset | undefined {
  return Object.hasOwn(PROVIDER_PRESETS, name) ? PROVIDER_PRESETS[name] : undefined;
}
