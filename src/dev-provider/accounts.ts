import { createHash, timingSafeEqual } from 'node:crypto';

export interface DemoAccount {
  username: string;
  password: string;
  sub: string;
  name: string;
  email: string;
}

/**
 * A subject identifier that never changes between runs or machines, so data
 * linked to (provider, sub) in Tokenkeeper survives a dev-provider restart.
 */
function stableSubject(username: string): string {
  return createHash('sha256').update(`tokenkeeper-dev-provider:${username}`).digest('hex').slice(0, 32);
}

function demoAccount(username: string, name: string, email: string): DemoAccount {
  return Object.freeze({ username, password: username, sub: stableSubject(username), name, email });
}

/** The people who can sign in at the dev provider; each password is the username. */
export const DEMO_ACCOUNTS: ReadonlyArray<DemoAccount> = Object.freeze([
  demoAccount('alice', 'Alice Liddell', 'alice@example.test'),
  demoAccount('bob', 'Bob Builder', 'bob@example.test'),
  // A hostile display name: every page that shows it must escape it.
  demoAccount('mallory', '<img src=x onerror=alert(1)>', 'mallory@example.test'),
]);

export function findAccountBySub(sub: string): DemoAccount | undefined {
  return DEMO_ACCOUNTS.find((account) => account.sub === sub);
}

function sameSecret(given: string, expected: string): boolean {
  // Compare digests so the comparison takes the same time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The account whose username and password match, or undefined. */
export function authenticate(username: string, password: string): DemoAccount | undefined {
  const account = DEMO_ACCOUNTS.find((candidate) => candidate.username === username.trim().toLowerCase());
  const passwordMatches = sameSecret(password, account?.password ?? '\u0000no account');
  return account && passwordMatches ? account : undefined;
}

/** Claims for oidc-provider's findAccount; it filters them by the granted scopes. */
export function claimsOf(account: DemoAccount): Record<string, unknown> {
  return {
    sub: account.sub,
    name: account.name,
    preferred_username: account.username,
    email: account.email,
    email_verified: true,
  };
}
