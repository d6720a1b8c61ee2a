/**
 * Google (OpenID Connect, with discovery). A refresh token is issued only
 * for `access_type=offline`, and again only with fresh consent
 * (https://developers.google.com/identity/protocols/oauth2/web-server#offline).
 */
import type { ProviderPreset } from './preset.js';

export const google: ProviderPreset = {
  displayName: 'Google',
  settings: () => ({
    discovery: { issuer: 'https://accounts.google.com' },
    scope: 'openid email profile',
    apiBaseUrl: 'https://www.googleapis.com',
    authorizationParams: { access_type: 'offline', prompt: 'consent' },
  }),
};
