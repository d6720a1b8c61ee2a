/**
 * Names under `.localhost` resolved to the loopback address in this test
 * process, as RFC 6761 §6.3 lets a resolver do (glibc's does not): an
 * emulator listening on 127.0.0.1 is then reached at the hosts a preset
 * makes from what a provider names (Datadog's `api.<site>`), with no
 * change to how the app resolves or connects. Every other name is
 * resolved as before.
 */
import dns from 'node:dns';
import { afterAll, beforeAll } from 'vitest';

type Lookup = typeof dns.lookup;

/** Resolves `*.localhost` to 127.0.0.1 from before the file's first test until after its last. */
export function useLocalhostNames(): void {
  const original: Lookup = dns.lookup;
  beforeAll(() => {
    dns.lookup = ((hostname: string, options: unknown, callback?: unknown) => {
      const done = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
      const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
      if (!hostname.toLowerCase().endsWith('.localhost')) return (original as (...args: unknown[]) => void)(hostname, options, callback);
      process.nextTick(() => (all ? done(null, [{ address: '127.0.0.1', family: 4 }]) : done(null, '127.0.0.1', 4)));
    }) as Lookup;
  });
  afterAll(() => {
    dns.lookup = original;
  });
}
