import { createHmac } from 'node:crypto';
import { withQueryParametersReplaced } from './api-query.js';
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
  return withQueryParametersReplaced(url, [[parameter, proof]]);
}
