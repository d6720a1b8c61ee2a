/**
 * The state of an emulated authorization server: authorization codes
 * (single use, bound to client, redirect URI and PKCE challenge), the grants
 * they start, and the access and refresh tokens issued under each grant,
 * with the lifetimes and the refresh-token policy of the provider emulated.
 */
import { createHash, randomBytes } from 'node:crypto';

export type RefreshPolicy =
  /** No refresh tokens (e.g. a GitHub OAuth app). */
  | 'none'
  /** One refresh token for the life of the grant (e.g. Google). */
  | 'static'
  /** A new refresh token with every refresh; the old one stops working (e.g. a GitHub App, Atlassian). */
  | 'rotating'
  /** A new refresh token with every refresh; the old one keeps working until it expires (e.g. Microsoft). */
  | 'reissued';

export interface GrantStoreOptions {
  /** Epoch seconds (default: the real clock). */
  now?: () => number;
  /** Seconds an access token lives; null: it never expires. */
  accessTokenTtl: number | null;
  refreshPolicy: RefreshPolicy;
  /** Seconds a refresh token lives; null: until revoked. */
  refreshTokenTtl?: number | null;
  /** Seconds a refresh token lives unused: each refresh with it starts them again (e.g. Okta's "expires if not used every"); null: no limit. */
  refreshTokenIdleTtl?: number | null;
  /**
   * With the 'static' policy: a refresh token presented after this many seconds unused is replaced by a new one (the
   * old one then refused), as Logto rotates a confidential client's refresh token once 70% of its life has passed.
   */
  rotateAfterIdleSeconds?: number;
  /** A rotated refresh token used again revokes the whole grant (RFC 9700 §4.14.2); otherwise it is only refused. */
  revokeGrantOnReuse?: boolean;
  /** Seconds a rotated refresh token is still taken after the refresh that replaced it, for a client that lost the answer (e.g. Xero's 30 minutes); each use answers new tokens. */
  rotationGraceSeconds?: number;
  /** Token prefixes, e.g. GitHub's `gho_`, `ghu_`, `ghr_`. */
  prefixes?: { access?: string; refresh?: string };
  /** Seconds an authorization code lives (default 600). */
  codeTtl?: number;
}

export interface Grant<User> {
  id: string;
  clientId: string;
  user: User;
  scope: string;
  nonce: string | undefined;
  revoked: boolean;
}

export interface IssuedTokens {
  accessToken: string;
  /** Seconds, when the access token expires. */
  expiresIn: number | undefined;
  refreshToken: string | undefined;
  refreshTokenExpiresIn: number | undefined;
}

export interface CodeRequest<User> {
  clientId: string;
  redirectUri: string | undefined;
  scope: string;
  codeChallenge: string | undefined;
  codeChallengeMethod: string | undefined;
  nonce?: string | undefined;
  user: User;
  /** False: this grant gets no refresh token whatever the policy (e.g. Google without fresh offline consent). */
  refreshToken?: boolean;
}

export type CodeRedemption<User> =
  | { ok: true; grant: Grant<User>; tokens: IssuedTokens }
  | { ok: false; reason: 'unknown_code' | 'expired_code' | 'code_reused' | 'wrong_client' | 'redirect_uri_mismatch' | 'pkce_failed' };

export type RefreshResult<User> =
  | { ok: true; grant: Grant<User>; tokens: IssuedTokens }
  | { ok: false; reason: 'unknown_token' | 'expired_token' | 'reused_token' | 'revoked_grant' | 'wrong_client' };

interface StoredCode<User> extends CodeRequest<User> {
  expiresAt: number;
  used: boolean;
  grantId: string | undefined;
}

interface StoredToken {
  grantId: string;
  kind: 'access' | 'refresh';
  expiresAt: number | null;
  /** For a refresh token: when it was issued or last used. */
  usedAt: number;
  /** For a refresh token: replaced by a newer one (rotation). For an access token: revoked alone. */
  retired: boolean;
  /** For a refresh token: when rotation replaced it. */
  retiredAt?: number;
}

function randomToken(prefix: string): string {
  return `${prefix}${randomBytes(18).toString('base64url')}`;
}

/** RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) for S256, the verifier itself for plain. */
export function pkceMatches(challenge: string, method: string | undefined, verifier: string | null): boolean {
  if (verifier === null) return false;
  if ((method ?? 'plain') === 'plain') return challenge === verifier;
  return method === 'S256' && createHash('sha256').update(verifier).digest('base64url') === challenge;
}

export class GrantStore<User> {
  readonly #options: GrantStoreOptions;
  readonly #now: () => number;
  readonly #codes = new Map<string, StoredCode<User>>();
  readonly #grants = new Map<string, Grant<User>>();
  readonly #tokens = new Map<string, StoredToken>();

  constructor(options: GrantStoreOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  issueCode(request: CodeRequest<User>): string {
    const code = randomBytes(10).toString('hex');
    this.#codes.set(code, { ...request, expiresAt: this.#now() + (this.#options.codeTtl ?? 600), used: false, grantId: undefined });
    return code;
  }

  /**
   * Exchanges a code (RFC 6749 §4.1.3, RFC 7636 §4.6). A code used twice is
   * refused and the tokens issued from it are revoked (RFC 6749 §4.1.2).
   */
  redeemCode(code: string, presented: { clientId: string; redirectUri: string | null; codeVerifier: string | null }): CodeRedemption<User> {
    const stored = this.#codes.get(code);
    if (!stored) return { ok: false, reason: 'unknown_code' };
    if (stored.used) {
      if (stored.grantId) this.revokeGrant(stored.grantId);
      return { ok: false, reason: 'code_reused' };
    }
    stored.used = true;
    if (stored.expiresAt <= this.#now()) return { ok: false, reason: 'expired_code' };
    if (stored.clientId !== presented.clientId) return { ok: false, reason: 'wrong_client' };
    if (stored.redirectUri !== undefined && stored.redirectUri !== presented.redirectUri) return { ok: false, reason: 'redirect_uri_mismatch' };
    if (stored.codeChallenge !== undefined && !pkceMatches(stored.codeChallenge, stored.codeChallengeMethod, presented.codeVerifier)) {
      return { ok: false, reason: 'pkce_failed' };
    }
    const grant: Grant<User> = { id: randomBytes(8).toString('hex'), clientId: stored.clientId, user: stored.user, scope: stored.scope, nonce: stored.nonce, revoked: false };
    this.#grants.set(grant.id, grant);
    stored.grantId = grant.id;
    return { ok: true, grant, tokens: this.#issue(grant, stored.refreshToken !== false) };
  }

  /** A refresh token grant (RFC 6749 §6) under the store's refresh policy. */
  refresh(refreshToken: string, clientId: string): RefreshResult<User> {
    const stored = this.#tokens.get(refreshToken);
    if (!stored || stored.kind !== 'refresh') return { ok: false, reason: 'unknown_token' };
    const grant = this.#grants.get(stored.grantId)!;
    if (grant.clientId !== clientId) return { ok: false, reason: 'wrong_client' };
    if (grant.revoked) return { ok: false, reason: 'revoked_grant' };
    const inGrace = stored.retiredAt !== undefined && this.#now() - stored.retiredAt <= (this.#options.rotationGraceSeconds ?? -1);
    if (stored.retired && !inGrace) {
      if (this.#options.revokeGrantOnReuse) this.revokeGrant(grant.id);
      return { ok: false, reason: 'reused_token' };
    }
    if (stored.expiresAt !== null && stored.expiresAt <= this.#now()) return { ok: false, reason: 'expired_token' };
    const idleTtl = this.#options.refreshTokenIdleTtl ?? null;
    if (idleTtl !== null && this.#now() - stored.usedAt > idleTtl) return { ok: false, reason: 'expired_token' };
    const { refreshPolicy, rotateAfterIdleSeconds } = this.#options;
    const rotates = refreshPolicy === 'rotating' || (refreshPolicy === 'static' && rotateAfterIdleSeconds !== undefined && this.#now() - stored.usedAt >= rotateAfterIdleSeconds);
    stored.usedAt = this.#now();
    if (rotates && !stored.retired) {
      stored.retired = true;
      stored.retiredAt = this.#now();
    }
    // A static refresh token is not sent again: the client keeps the one it has.
    return { ok: true, grant, tokens: this.#issue(grant, rotates || refreshPolicy === 'reissued') };
  }

  /** The grant behind a live access token; undefined when the token is unknown, expired or revoked. */
  grantOfAccessToken(accessToken: string): Grant<User> | undefined {
    const stored = this.#tokens.get(accessToken);
    if (!stored || stored.kind !== 'access' || stored.retired) return undefined;
    if (stored.expiresAt !== null && stored.expiresAt <= this.#now()) return undefined;
    const grant = this.#grants.get(stored.grantId);
    return grant && !grant.revoked ? grant : undefined;
  }

  /** Seconds a live access token has left; null when it never expires; undefined when it is not live. */
  accessTokenSecondsLeft(accessToken: string): number | null | undefined {
    if (!this.grantOfAccessToken(accessToken)) return undefined;
    const { expiresAt } = this.#tokens.get(accessToken)!;
    return expiresAt === null ? null : expiresAt - this.#now();
  }

  /** The grant a token (access or refresh, live or not) was issued under. */
  grantOfToken(token: string): Grant<User> | undefined {
    const stored = this.#tokens.get(token);
    return stored && this.#grants.get(stored.grantId);
  }

  /** Ends a grant: every token issued under it stops working. */
  revokeGrant(grantId: string): void {
    const grant = this.#grants.get(grantId);
    if (grant) grant.revoked = true;
  }

  /**
   * Ends every grant of the people `whose` picks (the grant's user), as a provider does when a person is removed or
   * takes the app's access away: every token issued to them stops working.
   */
  revokeGrantsOf(whose: (user: User) => boolean): void {
    for (const grant of this.#grants.values()) if (whose(grant.user)) grant.revoked = true;
  }

  /** Ends one access token; the grant and its refresh token stay. */
  revokeAccessToken(accessToken: string): boolean {
    const stored = this.#tokens.get(accessToken);
    if (!stored || stored.kind !== 'access') return false;
    stored.retired = true;
    return true;
  }

  /**
   * A revocation (RFC 7009 §2.1) as most servers make it: an access token ends alone; a refresh token ends its
   * grant, every token issued under it; a token the store does not know changes nothing.
   */
  revokeToken(token: string): void {
    if (this.revokeAccessToken(token)) return;
    const grant = this.grantOfToken(token);
    if (grant) this.revokeGrant(grant.id);
  }

  /**
   * A new access token under a live grant, living `ttl` seconds (null: no end), for a provider that renews access
   * tokens by presenting one (Instagram's `ig_exchange_token` and `ig_refresh_token`); the grant's other tokens stay.
   */
  issueAccessToken(grantId: string, ttl: number | null): string {
    const grant = this.#grants.get(grantId);
    if (!grant || grant.revoked) throw new Error(`no live grant ${grantId}`);
    const accessToken = randomToken(this.#options.prefixes?.access ?? 'at_');
    const now = this.#now();
    this.#tokens.set(accessToken, { grantId, kind: 'access', expiresAt: ttl === null ? null : now + ttl, usedAt: now, retired: false });
    return accessToken;
  }

  /** Grants (revoked or not) in the order they were made. */
  allGrants(): Array<Grant<User>> {
    return [...this.#grants.values()];
  }

  /** Whether this grant was issued a refresh token (rotated ones included). */
  hasRefreshToken(grantId: string): boolean {
    for (const token of this.#tokens.values()) if (token.grantId === grantId && token.kind === 'refresh') return true;
    return false;
  }

  /** Live grants of a client (not revoked), e.g. to count how many a user has. */
  liveGrants(clientId: string): Array<Grant<User>> {
    return [...this.#grants.values()].filter((grant) => grant.clientId === clientId && !grant.revoked);
  }

  #issue(grant: Grant<User>, withRefreshToken: boolean): IssuedTokens {
    const now = this.#now();
    const { accessTokenTtl, refreshPolicy, prefixes } = this.#options;
    const accessToken = randomToken(prefixes?.access ?? 'at_');
    this.#tokens.set(accessToken, { grantId: grant.id, kind: 'access', expiresAt: accessTokenTtl === null ? null : now + accessTokenTtl, usedAt: now, retired: false });
    let refreshToken: string | undefined;
    const refreshTtl = this.#options.refreshTokenTtl ?? null;
    if (withRefreshToken && refreshPolicy !== 'none') {
      refreshToken = randomToken(prefixes?.refresh ?? 'rt_');
      this.#tokens.set(refreshToken, { grantId: grant.id, kind: 'refresh', expiresAt: refreshTtl === null ? null : now + refreshTtl, usedAt: now, retired: false });
    }
    return {
      accessToken,
      expiresIn: accessTokenTtl ?? undefined,
      refreshToken,
      refreshTokenExpiresIn: refreshToken && refreshTtl !== null ? refreshTtl : undefined,
    };
  }
}
