import { describe, expect, it } from 'vitest';
import type { TokenSummary } from '../db/token-store.js';
import { describeExpiry, formatTokenTable, toTokenListing } from './token-listing.js';

const NOW = 1_800_000_000; // 2027-01-15 08:00:00 UTC

const summary: TokenSummary = {
  id: 'tok1',
  userId: 'user1',
  provider: 'toolkit',
  status: 'active',
  lastError: null,
  createdAt: NOW - 3600,
  updatedAt: NOW - 60,
  lastRefreshedAt: NOW - 120,
  refreshTokenUsedAt: NOW - 120,
  tokenType: 'Bearer',
  scope: 'openid profile',
  expiresAt: NOW + 240,
  hasRefreshToken: true,
  hasIdToken: true,
};

describe('tokens list formatting', () => {
  it('describes expiry relative to now and in UTC', () => {
    expect(describeExpiry(NOW + 240, NOW)).toBe('in 4 min (2027-01-15 08:04:00 UTC)');
    expect(describeExpiry(NOW - 120, NOW)).toBe('expired 2 min ago (2027-01-15 07:58:00 UTC)');
    expect(describeExpiry(NOW, NOW)).toBe('expired just now (2027-01-15 08:00:00 UTC)');
    expect(describeExpiry(null, NOW)).toBe('no expiry');
  });

  it('a listing carries only the chosen fields, whatever else the summary has', () => {
    const listing = toTokenListing({ ...summary, accessToken: 'secret-value' } as TokenSummary, 'alice');
    expect(JSON.stringify(listing)).not.toContain('secret-value');
    expect(Object.keys(listing)).toEqual([
      'id', 'userId', 'username', 'provider', 'status', 'expiresAt', 'scope', 'hasRefreshToken', 'refreshTokenExpiresAt', 'lastRefreshedAt', 'lastError', 'createdAt',
    ]);
  });

  it('pads columns and keeps control characters from providers off the terminal', () => {
    const table = formatTokenTable([toTokenListing(summary, 'al\u001b[31mice'), toTokenListing({ ...summary, id: 'tok2', lastRefreshedAt: null, lastError: 'invalid_grant' }, null)], NOW);
    expect(table.split('\n')).toEqual([
      'ID    USER            PROVIDER  STATUS  EXPIRES                             SCOPE           LAST REFRESHED                       LAST ERROR',
      'tok1  al\uFFFD[31mice      toolkit   active  in 4 min (2027-01-15 08:04:00 UTC)  openid profile  2 min ago (2027-01-15 07:58:00 UTC)  -',
      'tok2  (deleted user)  toolkit   active  in 4 min (2027-01-15 08:04:00 UTC)  openid profile  never                                invalid_grant',
    ]);
    expect(table).not.toContain('\u001b');
  });
});
