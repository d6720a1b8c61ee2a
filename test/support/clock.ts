/**
 * A clock for the app (epoch seconds, what startTestApp's and TokenManager's
 * `now` take) that moves only when a test moves it, so time-based behaviour
 * (back-off, expiry windows, idle timeouts) is tested without waiting and
 * with exact boundaries. It starts at the real time, so values the app
 * derives from it stay close to those of the peers that keep real time (the
 * provider's token lifetimes, openid-client's ID-token checks).
 */
export interface TestClock {
  /** The current time, in epoch seconds. */
  readonly now: () => number;
  advance(seconds: number): void;
}

export function testClock(start: number = Math.floor(Date.now() / 1000)): TestClock {
  let current = start;
  return {
    now: () => current,
    advance: (seconds) => {
      current += seconds;
    },
  };
}
