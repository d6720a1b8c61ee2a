/**
 * A failure a test queues for an emulator's next request of one kind (the
 * token request, a provider's profile, `/me` or account call): the route
 * takes it, which uses it up, and answers with it in the provider's own
 * error body; with nothing queued it answers as usual.
 */
export interface QueuedFailure<Failure = number> {
  /** The next request of this kind fails as given (an HTTP status, or a provider's own kind of fault). */
  queue(failure: Failure): void;
  /** The failure queued for this request, used up here; undefined: answer as usual. */
  take(): Failure | undefined;
}

/** One failure slot; `queue` and `take` need no `this`, so either can be handed on as it is. */
export function queuedFailure<Failure = number>(): QueuedFailure<Failure> {
  let next: Failure | undefined;
  return {
    queue: (failure) => {
      next = failure;
    },
    take: () => {
      const failure = next;
      next = undefined;
      return failure;
    },
  };
}
