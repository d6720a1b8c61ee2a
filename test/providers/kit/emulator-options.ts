/**
 * What a test starts a provider's emulator with, the same at most
 * providers: the client registered there and, where tokens expire, the
 * clock. An emulator whose provider registers more (a tenant, the scopes
 * of the app) adds its own members beside these; one without a clock takes
 * them without `now` (`Omit<EmulatorOptions, 'now'>`).
 */
export interface EmulatorOptions {
  /** The client id registered at the provider, which its authorization and token endpoints check. */
  clientId: string;
  /** The client's secret, which its token endpoint checks. */
  clientSecret: string;
  /** The redirect URI registered with the client: where every authorization goes back to. */
  redirectUri: string;
  /** Epoch seconds (default: the real clock). */
  now?: () => number;
}
