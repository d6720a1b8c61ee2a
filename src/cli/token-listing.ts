import type { TokenStatus, TokenSummary } from '../db/token-store.js';
import { absoluteTime, relativeTime } from '../server/views/format.js';

/**
 * One row of `tokens list`, and exactly the object `--json` prints: fields
 * are picked one by one (never spread from the summary), so a column added to
 * the store cannot reach scripts' output, and no token value ever can.
 */
export interface TokenListing {
  id: string;
  userId: string;
  /** Null only if the user row is gone. */
  username: string | null;
  provider: string;
  status: TokenStatus;
  /** Epoch seconds; null when the provider gave no expiry. */
  expiresAt: number | null;
  scope: string | null;
  hasRefreshToken: boolean;
  /** Epoch seconds; null when the provider gave no expiry for the refresh token. */
  refreshTokenExpiresAt: number | null;
  /** Epoch seconds. */
  lastRefreshedAt: number | null;
  lastError: string | null;
  /** Epoch seconds. */
  createdAt: number;
}

export function toTokenListing(summary: TokenSummary, username: string | null): TokenListing {
  return {
    id: summary.id,
    userId: summary.userId,
    username,
    provider: summary.provider,
    status: summary.status,
    expiresAt: summary.expiresAt,
    scope: summary.scope,
    hasRefreshToken: summary.hasRefreshToken,
    refreshTokenExpiresAt: summary.refreshTokenExpiresAt ?? null,
    lastRefreshedAt: summary.lastRefreshedAt,
    lastError: summary.lastError,
    createdAt: summary.createdAt,
  };
}

/** "in 4 min (2026-11-28 10:04:00 UTC)", "expired 2 min ago (…)", "expired just now (…)", "no expiry". */
export function describeExpiry(expiresAt: number | null, now: number): string {
  if (expiresAt === null) return 'no expiry';
  // relativeTime calls the present "in 0 s"; a token is expired from its expiry on.
  const relative = expiresAt > now ? relativeTime(expiresAt, now) : expiresAt === now ? 'expired just now' : `expired ${relativeTime(expiresAt, now)}`;
  return `${relative} (${absoluteTime(expiresAt)})`;
}

function describePastTime(at: number | null, now: number): string {
  return at === null ? 'never' : `${relativeTime(at, now)} (${absoluteTime(at)})`;
}

// Usernames and scopes come from providers: keep their control characters
// (terminal escape sequences) off the admin's terminal.
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD');
}

const COLUMNS: ReadonlyArray<[header: string, cell: (row: TokenListing, now: number) => string]> = [
  ['ID', (row) => row.id],
  ['USER', (row) => row.username ?? '(deleted user)'],
  ['PROVIDER', (row) => row.provider],
  ['STATUS', (row) => row.status],
  ['EXPIRES', (row, now) => describeExpiry(row.expiresAt, now)],
  ['SCOPE', (row) => row.scope ?? '-'],
  ['LAST REFRESHED', (row, now) => describePastTime(row.lastRefreshedAt, now)],
  ['LAST ERROR', (row) => row.lastError ?? '-'],
];

/** A plain-text table with a header line, columns padded to their widest cell. */
export function formatTokenTable(rows: readonly TokenListing[], now: number): string {
  const lines = [COLUMNS.map(([header]) => header), ...rows.map((row) => COLUMNS.map(([, cell]) => printable(cell(row, now))))];
  const widths = COLUMNS.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)));
  return lines.map((line) => line.map((text, i) => text.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
