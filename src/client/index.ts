/** Tokenkeeper's OAuth/OIDC client, usable on its own: no web framework, no SQL. */
export { createClient, type ClientOptions, type TokenkeeperClient } from './client.js';
export { startAuthorization, finishAuthorization, SIGN_IN_TRANSACTION_TTL_SECONDS } from './authorization.js';
export type { AuthorizationTransaction, CompletedAuthorization, SignedInIdentity, StartedAuthorization, StartOptions } from './authorization.js';
export {
  TokenkeeperError,
  UnknownProviderError,
  SignInError,
  NotConnectedError,
  ReauthRequiredError,
  ProviderUnavailableError,
  type ProviderFaultCode,
  type SignInErrorCode,
} from './errors.js';
export type { ErrorCode } from './error-codes.js';
export { PROVIDER_PRESETS, findPreset, type ProviderPreset, type PresetClient, type PresetSettings, type PresetValueName, type PresetValues } from './providers/index.js';
export type { ProviderHooks, ProfileReader, RevocationRequest, RevocationOutcome, FoundEmail, AccessTokenCheckRequest, AccessTokenRenewalRequest, ClientRegistrationRequest } from './provider-hooks.js';
export type { ClientRegistrationStore, RegisteredClient } from './client-registration.js';
export { AccessTokenRenewalRefused } from './provider-hooks.js';
export type { AccessTokenCheckOutcome } from './access-token-check.js';
export { ProviderApi, type ProviderApiOptions, type ProviderApiRequest, type StreamingFetch } from './provider-api.js';
export { safeNextPath } from './safe-next.js';
export { ProviderRegistry, type DiscoveryState, type RegisteredProvider, type RegistryOptions, type SendInit } from './provider-registry.js';
export type { ProviderSettings, TokenEndpointAuthMethod, ExplicitEndpoints, ProviderEndpoints, ClientPrivateKey, ProxyHeaders } from './provider-settings.js';
export type { RevocationResult } from './revocation.js';
export type { LeaseWaitOutcome, RefreshObserver, RefreshOutcome } from './refresh-observer.js';
export type { TokenEvent, TokenEventListener } from './token-events.js';
export { TokenManager, type AccessToken, type KeepAliveOutcome, type RefreshOptions, type TokenManagerOptions } from './token-manager.js';
export type { TokenSet } from './token-set.js';
export type { StreamInit } from './outbound-fetch.js';
export type { StoredTokenSet, TokenStore } from './token-store.js';
