import { createHmac } from 'node:crypto';
import type { ProviderSettings } from './provider-settings.js';

/**
 * `url` with the provider's token proof (ProviderSettings.tokenProofParameter): the HMAC-SHA256 (hex) of the
 * access token keyed by the client secret, in place of any the caller put there; `url` itself when the provider
 * has none. A new URL, so the proof never reaches what the caller passed or what is logged of it. The rest of the
 * query keeps its encoding as given.
 */
export function withTokenProof(settings: Pick<ProviderSettings, 'tokenProofParameter' | 'clientSecret'>, url: URL, accessToken: string): URL {
  const parameter = settings.tokenProofParameter;
  if (!parameter) return url;
  const proof = createHmac('sha256', settings.clientSecret).update(accessToken).digest('hex');
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && decodedQueryName(pair.split('=', 1)[0]!) !== parameter);
  const proved = new URL(url);
  proved.search = [...kept, `${encodeURIComponent(parameter)}=${proof}`].join('&');
  return proved;
}

/** A query parameter's name as it reads decoded (`+` a space), or as it is when it does not decode. */
export function decodedQueryName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
