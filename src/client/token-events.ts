import type { ErrorCode } from './error-codes.js';

/**
 * What happens to tokens, for the audit log and for library users — the
 * seed's `update_token` hook, done properly. Events never carry token values.
 */
export type TokenEvent =
  | { type: 'user.signed_in'; userId: string; provider: string; created: boolean }
  /** scopeChanged: the provider granted other scopes than the stored token had (RFC 6749 §6 lets a refresh narrow them). */
  | { type: 'token.refreshed'; userId: string; provider: string; expiresAt: number | null; refreshTokenRotated: boolean; scopeChanged: boolean }
  /** code: why, as the TokenkeeperError thrown to the caller says it (provider_timeout, provider_unavailable…). */
  | { type: 'token.refresh_failed'; userId: string; provider: string; code: ErrorCode; message: string }
  /** code: invalid_grant, the provider's refusal of the refresh token. */
  | { type: 'token.needs_reauth'; userId: string; provider: string; code: ErrorCode; message: string }
  | { type: 'token.revoked'; userId: string; provider: string; revokedAtProvider: boolean; revocationError: string | null };

export type TokenEventListener = (event: TokenEvent) => void | Promise<void>;

/** Calls every listener; a listener that throws is reported and never breaks the caller. */
export class TokenEventBus {
  readonly #listeners = new Set<TokenEventListener>();
  readonly #onListenerError: (error: unknown, event: TokenEvent) => void;

  // Without a handler of the caller's, a failing listener is still reported, with its stack: never swallowed.
  constructor(onListenerError: (error: unknown, event: TokenEvent) => void = (error, event) => console.error(`tokenkeeper: a ${event.type} listener failed:`, error)) {
    this.#onListenerError = onListenerError;
  }

  on(listener: TokenEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async emit(event: TokenEvent): Promise<void> {
    for (const listener of this.#listeners) {
      try {
        await listener(event);
      } catch (error) {
        this.#onListenerError(error, event);
      }
    }
  }
}
