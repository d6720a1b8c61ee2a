import { appCallbackUrl } from '../client/client-metadata.js';

/** The redirect URI to register at the provider: `<BASE_URL>/auth/<name>/callback`. */
export function redirectUri(baseUrl: URL, provider: string): string {
  return appCallbackUrl(baseUrl, provider);
}

/** The back-channel logout URI to register at an OpenID provider: `<BASE_URL>/auth/<name>/backchannel-logout`. */
export function backchannelLogoutUri(baseUrl: URL, provider: string): string {
  return new URL(`/auth/${encodeURIComponent(provider)}/backchannel-logout`, baseUrl).toString();
}
