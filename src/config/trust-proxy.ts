import { isIP } from 'node:net';
import { ConfigError } from './config-error.js';
import type { Environment } from './env-file.js';

/**
 * Which peers may speak for the client through X-Forwarded-For and
 * X-Forwarded-Proto: none (false), every one (true), the nearest `n` hops,
 * or the proxies at these addresses and ranges.
 */
export type TrustProxy = boolean | number | string[];

const MAX_HOPS = 20;
/** The named ranges Fastify's proxy-addr understands, besides addresses and CIDRs. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const slash = entry.indexOf('/');
  if (slash === -1) return isIP(entry) !== 0;
  const version = isIP(entry.slice(0, slash));
  const prefix = entry.slice(slash + 1);
  return version !== 0 && /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/** TRUST_PROXY: `false` (default), `true`, a hop count, or a comma-separated list of addresses, CIDRs and named ranges. */
export function trustProxy(env: Environment): TrustProxy {
  const raw = env.TRUST_PROXY?.trim() ?? '';
  const lower = raw.toLowerCase();
  if (lower === '' || lower === 'false') return false;
  if (lower === 'true') return true;
  const expected = `must be false, true, a hop count from 1 to ${MAX_HOPS}, or a comma-separated list of proxy addresses and CIDRs such as 127.0.0.1,10.0.0.0/8`;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops < 1 || hops > MAX_HOPS) throw new ConfigError('TRUST_PROXY', `${expected} (got "${raw}")`);
    return hops;
  }
  const entries = raw.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => !isAddressOrRange(entry));
  if (bad !== undefined) {
    throw new ConfigError('TRUST_PROXY', `${expected} (${bad === '' ? 'an empty entry' : `"${bad}" is not an IP address or CIDR`} in "${raw}")`);
  }
  return entries;
}
