import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

function throttleAt(start = 1_000_000, options: { maxKeys?: number } = {}) {
  const clock = { now: start };
  const throttle = new LoginThrottle({ maxFailures: 3, windowSeconds: 60, now: () => clock.now, ...options });
  return { clock, throttle };
}

describe('LoginThrottle', () => {
  it('refuses a key once it has maxFailures failures within the window, and lets it try again when the oldest leaves the window', () => {
    const { clock, throttle } = throttleAt();
    throttle.begin(['ip:a']);
    clock.now += 10;
    throttle.begin(['ip:a']);
    throttle.begin(['ip:a']);
    expect(throttle.retryAfter(['ip:a'])).toBe(50);
    expect(throttle.retryAfter(['ip:b'])).toBe(0);
    clock.now += 49;
    expect(throttle.retryAfter(['ip:a'])).toBe(1);
    clock.now += 1;
    expect(throttle.retryAfter(['ip:a'])).toBe(0);
    clock.now += 10;
    expect(throttle.retryAfter(['ip:a'])).toBe(0);
  });

  it('an attempt whose password was right is not counted', () => {
    const { throttle } = throttleAt();
    for (let i = 0; i < 10; i += 1) throttle.begin(['ip:a', 'user:ops'])();
    expect(throttle.retryAfter(['ip:a', 'user:ops'])).toBe(0);
  });

  it('counts each key: failures for one account from many addresses lock that account, not the addresses', () => {
    const { throttle } = throttleAt();
    for (const ip of ['ip:1', 'ip:2', 'ip:3']) throttle.begin([ip, 'user:ops']);
    expect(throttle.retryAfter(['ip:4', 'user:ops'])).toBe(60);
    expect(throttle.retryAfter(['ip:4', 'user:other'])).toBe(0);
  });

  it('attempts still being checked count, so concurrent guesses cannot all pass the check', () => {
    const { throttle } = throttleAt();
    const passed = [0, 1, 2, 3, 4].filter(() => {
      if (throttle.retryAfter(['ip:a']) > 0) return false;
      throttle.begin(['ip:a']);
      return true;
    });
    expect(passed).toHaveLength(3);
  });

  it('keeps at most maxKeys keys, forgetting the least recently failed', () => {
    const { throttle } = throttleAt(1_000_000, { maxKeys: 2 });
    for (let i = 0; i < 3; i += 1) throttle.begin(['user:old']);
    throttle.begin(['user:b']);
    throttle.begin(['user:c']);
    expect(throttle.retryAfter(['user:old'])).toBe(0);
  });
});
