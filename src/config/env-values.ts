import { ConfigError } from './config-error.js';
import type { Environment } from './env-file.js';

/** A whole number from `min` to `max`, or `fallback` when unset. */
export function integer(env: Environment, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

/** `on` or `off` (any case), or `fallback` when unset. */
export function onOrOff(env: Environment, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = raw.toLowerCase();
  if (value !== 'on' && value !== 'off') throw new ConfigError(name, `must be on or off (got "${raw}")`);
  return value === 'on';
}

/** An absolute http(s) URL (https only in production), or undefined when unset. */
export function url(env: Environment, name: string, production: boolean, value = env[name]?.trim()): string | undefined {
  if (value === undefined || value === '') return undefined;
  // "example.com" (no URL at all) and "localhost:3000" (a URL whose scheme is "localhost:") both lack the scheme.
  const withoutScheme = value.includes('://') ? '' : `: start it with ${production ? 'https://' : 'https:// or http://'}`;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `must be an absolute URL (got "${value}")${withoutScheme}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ConfigError(name, `must be an http(s) URL (got "${value}")${withoutScheme}`);
  }
  if (parsed.protocol === 'http:' && production) {
    throw new ConfigError(name, `must use https in production (got "${value}")`);
  }
  return value;
}
