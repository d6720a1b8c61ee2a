import { describe, expect, it } from 'vitest';
import { ProviderUnavailableError, TokenkeeperError } from '../client/errors.js';
import { isDatabaseUnavailable } from './database-unavailable.js';

/** What undici's fetch rejects with when nothing listens: a TypeError whose cause is the socket's error. */
function refusedConnection(): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4000'), { code: 'ECONNREFUSED' }) });
}

describe('isDatabaseUnavailable', () => {
  it('recognises a database driver that could not connect or take the work', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Could not connect', { cause: Object.assign(new Error('the database system is starting up'), { code: '57P03' }) }))).toBe(true);
  });

  it('is false for a provider that could not be reached: its cause is a refused socket too, but the error is a TokenkeeperError with a code of its own', () => {
    const unreachable = new ProviderUnavailableError('provider_unreachable', 'Toolkit could not be reached for the API call.', { cause: refusedConnection() });
    expect(isDatabaseUnavailable(unreachable)).toBe(false);
    expect(isDatabaseUnavailable(new TokenkeeperError('not_ready', 'closed', { cause: refusedConnection() }))).toBe(false);
  });

  it('is false for a bug or bad data', () => {
    expect(isDatabaseUnavailable(new TypeError('x is not a function'))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
