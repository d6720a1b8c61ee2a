/**
 * Clients the app registers for itself, one at each server people name
 * (a provider whose every server is its own authorization server, such as
 * Mastodon's instances: each knows only the apps registered there, by its
 * `app_registration_endpoint`).
 */

/** A client registered at one server: what its token, revocation and API requests authenticate with. */
export interface RegisteredClient {
  clientId: string;
  /** Null for a client registered without a secret (a public client). */
  clientSecret: string | null;
  /** The callback it was registered with: a server sends people back only to a registered one. */
  redirectUri: string;
  /** The scopes it was registered with (space-separated): a server grants no others. */
  scope: string;
}

/**
 * Where registered clients are kept, so that every process sharing the
 * database uses the one registered first at a server, and a connection made
 * with it is refreshed and revoked with it. `src/db`'s
 * SqlClientRegistrationStore implements it (the secret encrypted at rest).
 */
export interface ClientRegistrationStore {
  /** The client kept for (provider, server), `server` being the server's issuer identifier as discovered. */
  findClient(provider: string, server: string): Promise<RegisteredClient | undefined>;
  /**
   * Keeps `client` for (provider, server) unless one is kept already, in one
   * statement (two processes registering at once keep one); returns the
   * client kept, which is the earlier one when there was one.
   */
  keepClient(provider: string, server: string, client: RegisteredClient, now: number): Promise<RegisteredClient>;
  /**
   * Forgets the client kept for (provider, server) if it is still `clientId`: the server no longer knows it (its
   * admin removed the app), so the next sign-in there registers anew. True when a client was forgotten.
   */
  forgetClient(provider: string, server: string, clientId: string): Promise<boolean>;
}
