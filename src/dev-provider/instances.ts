import type Provider from 'oidc-provider';
import type { DevProvider } from './types.js';

// The oidc-provider instance behind each dev provider, for this repository's
// own tests. It is kept out of DevProvider: that type ships with the package,
// and oidc-provider's types are declared here only (oidc-provider.d.ts), not
// in any package a user installs.
const instances = new WeakMap<DevProvider, Provider>();

export function rememberOidcProvider(devProvider: DevProvider, provider: Provider): void {
  instances.set(devProvider, provider);
}

export function oidcProviderOf(devProvider: DevProvider): Provider {
  const provider = instances.get(devProvider);
  if (!provider) throw new Error('not a running dev provider');
  return provider;
}
