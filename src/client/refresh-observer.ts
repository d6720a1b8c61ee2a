import type { ErrorCode } from './error-codes.js';

/** How a refresh at the provider ended: stored, refused for good, replaced by a sign-in meanwhile, or the error's code. */
export type RefreshOutcome = 'ok' | 'needs_reauth' | 'superseded' | ErrorCode;

/**
 * A caller that found another process refreshing (holding the lease) and
 * waited: it used that refresh's result, took over the lease once it had
 * expired and refreshed itself, or gave up.
 */
export type LeaseWaitOutcome = 'joined' | 'took_over' | 'timed_out';

/**
 * Measurements of TokenManager's refreshes, for metrics: the caller turns
 * them into its own counters and histograms (the client depends on no
 * metrics library). Called synchronously, with bounded values only: a
 * provider name and an outcome, never a user id or a token.
 */
export interface RefreshObserver {
  /** A refresh request to the provider ended; `seconds` from sending it to its result being stored (or the failure). */
  refreshed?(provider: string, outcome: RefreshOutcome, seconds: number): void;
  /** A caller waited for another process's refresh instead of making one (see LeaseWaitOutcome). */
  leaseWaited?(provider: string, outcome: LeaseWaitOutcome): void;
}
