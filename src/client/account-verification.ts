import type * as oidc from 'openid-client';
import type { VerifiedAccount } from './provider-hooks.js';
import type { RegisteredProvider } from './provider-registry.js';

/**
 * The account a token answer names (a code exchange's, or a refresh's), verified at its own home by the preset's
 * verifyAccount hook (AT Protocol: the DID, its PDS, and the PDS's word that this server speaks for it); undefined
 * for a provider without one.
 */
export async function verifiedAccount(provider: RegisteredProvider, config: oidc.Configuration, answer: Record<string, unknown>): Promise<VerifiedAccount | undefined> {
  const verify = provider.settings.hooks?.verifyAccount;
  if (!verify) return undefined;
  return verify({ answer, issuer: config.serverMetadata().issuer, allowInsecureHttp: provider.settings.allowInsecureHttp, send: (url, init) => provider.send(url, init) });
}
