import * as oidc from 'openid-client';
import { describeProviderFailure, UnknownProviderError } from './errors.js';
import type { ProviderSettings } from './provider-settings.js';

export interface RegistryOptions {
  /** The fetch used for every provider request (see createOutboundFetch). */
  fetch?: oidc.CustomFetch;
  /** Timeout of each request to a provider, in seconds. */
  timeoutSeconds?: number;
}

/** A registered provider: its settings and, once resolved, its openid-client Configuration. */
export interface RegisteredProvider {
  settings: ProviderSettings;
  configuration(): Promise<oidc.Configuration>;
}

function clientAuth(settings: ProviderSettings): oidc.ClientAuth {
  return settings.tokenEndpointAuthMethod === 'client_secret_post'
    ? oidc.ClientSecretPost(settings.clientSecret)
    : oidc.ClientSecretBasic(settings.clientSecret);
}

function applyOptions(settings: ProviderSettings, options: RegistryOptions): Array<(config: oidc.Configuration) => void> {
  const steps: Array<(config: oidc.Configuration) => void> = [];
  if (settings.allowInsecureHttp) steps.push(oidc.allowInsecureRequests);
  // openid-client trusts an ID token from the token endpoint on TLS alone unless asked;
  // SECURITY.md wants its signature checked against the provider's JWKS too.
  steps.push(oidc.enableNonRepudiationChecks);
  steps.push((config) => {
    if (options.fetch) config[oidc.customFetch] = options.fetch;
    if (options.timeoutSeconds !== undefined) config.timeout = options.timeoutSeconds;
  });
  return steps;
}

async function resolveConfiguration(settings: ProviderSettings, options: RegistryOptions): Promise<oidc.Configuration> {
  const execute = applyOptions(settings, options);
  if (settings.discovery) {
    const url = 'issuer' in settings.discovery ? settings.discovery.issuer : settings.discovery.metadataUrl;
    try {
      // Given an issuer, openid-client checks that the document's `issuer` equals it.
      return await oidc.discovery(new URL(url), settings.clientId, undefined, clientAuth(settings), {
        execute,
        ...(options.fetch ? { [oidc.customFetch]: options.fetch } : {}),
        ...(options.timeoutSeconds !== undefined ? { timeout: options.timeoutSeconds } : {}),
      });
    } catch (error) {
      throw describeProviderFailure(settings.displayName, 'discovery', error);
    }
  }
  const endpoints = settings.endpoints;
  if (!endpoints) throw new Error(`provider ${settings.name} has neither discovery nor endpoints`);
  const config = new oidc.Configuration(
    {
      issuer: endpoints.issuer ?? new URL(endpoints.authorizationEndpoint).origin,
      authorization_endpoint: endpoints.authorizationEndpoint,
      token_endpoint: endpoints.tokenEndpoint,
      ...(endpoints.userinfoEndpoint ? { userinfo_endpoint: endpoints.userinfoEndpoint } : {}),
      ...(endpoints.revocationEndpoint ? { revocation_endpoint: endpoints.revocationEndpoint } : {}),
    },
    settings.clientId,
    undefined,
    clientAuth(settings),
  );
  for (const step of execute) step(config);
  return config;
}

/**
 * Providers registered by name, like Authlib's `oauth.register(name=…)`.
 * Discovery runs on first use and is cached; a failed discovery is not
 * cached, so a provider that was down is tried again on the next sign-in.
 */
export class ProviderRegistry {
  readonly #providers = new Map<string, RegisteredProvider>();

  constructor(settings: readonly ProviderSettings[], options: RegistryOptions = {}) {
    for (const provider of settings) {
      let pending: Promise<oidc.Configuration> | undefined;
      this.#providers.set(provider.name, {
        settings: provider,
        configuration: () => {
          pending ??= resolveConfiguration(provider, options).catch((error: unknown) => {
            pending = undefined;
            throw error;
          });
          return pending;
        },
      });
    }
  }

  get names(): string[] {
    return [...this.#providers.keys()];
  }

  list(): ProviderSettings[] {
    return [...this.#providers.values()].map((provider) => provider.settings);
  }

  has(name: string): boolean {
    return this.#providers.has(name);
  }

  get(name: string): RegisteredProvider {
    const provider = this.#providers.get(name);
    if (!provider) throw new UnknownProviderError(name);
    return provider;
  }
}
