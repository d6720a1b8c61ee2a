import type { Kysely } from 'kysely';
import type { CompletedAuthorization } from '../client/authorization.js';
import { scopeKeepingOfflineAccess } from '../client/scope.js';
import { TokenkeeperError } from '../client/errors.js';
import { createAccount, findAccount, listAccountsForUser, makeConnectionOnly, updateAccountClaims } from '../db/account.repository.js';
import { writeAuditEvent } from '../db/audit.repository.js';
import { isUniqueViolation } from '../db/database.js';
import type { DatabaseSchema } from '../db/schema.js';
import type { SqlTokenStore } from '../db/token-store.js';
import { trackConnectionChange } from './webhook-events.js';
import type { WebhookOutbox } from './webhook-outbox.js';
import { createUser, findUserById, uniqueUsername, recordLogin, updateUserProfile, type User } from '../db/user.repository.js';

export interface SignInContext {
  db: Kysely<DatabaseSchema>;
  tokenStore: SqlTokenStore;
  now: number;
  ip: string | null;
  /** The name people know the provider by (its settings' displayName), for messages. */
  displayName: string;
  /** Where connection.created and connection.updated webhooks go, written in the sign-in's transaction. */
  webhooks?: WebhookOutbox;
}

function wantedUsername(completed: CompletedAuthorization): string {
  const { identity } = completed;
  const base = identity.preferredUsername ?? identity.email?.split('@')[0] ?? `${identity.provider}-${identity.subject}`;
  const cleaned = base.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return cleaned || `${identity.provider}-user`;
}

export interface SignInOptions {
  /**
   * Runs inside the sign-in's transaction once the user is found or made,
   * before anything is stored: a connect link's external_id is checked and
   * set here, so that a refusal stores nothing.
   */
  within?: (trx: Kysely<DatabaseSchema>, user: User, created: boolean) => Promise<void>;
}

/**
 * The token set to save: as the provider sent it, except that one without a refresh token, saved over
 * a live one (which saveTokenSet keeps), keeps the offline access that refresh token was granted.
 */
async function tokensToSave(context: SignInContext, trx: Kysely<DatabaseSchema>, userId: string, completed: CompletedAuthorization): Promise<CompletedAuthorization['tokens']> {
  const { tokens } = completed;
  if (tokens.refreshToken !== null) return tokens;
  const stored = await context.tokenStore.findTokenSummary(userId, completed.identity.provider, trx);
  if (stored?.status !== 'active' || !stored.hasRefreshToken) return tokens;
  return { ...tokens, scope: scopeKeepingOfflineAccess(tokens.scope, stored.scope) };
}

async function signInOnce(context: SignInContext, completed: CompletedAuthorization, options: SignInOptions): Promise<{ user: User; created: boolean }> {
  const { identity } = completed;
  return context.db.transaction().execute(async (trx) => {
    const account = await findAccount(trx, identity.provider, identity.subject);
    let user: User | undefined;
    let created = false;
    if (account) {
      user = await findUserById(trx, account.userId);
      if (!user) throw new Error(`account ${account.id} has no user`);
      if (!user.isActive) throw new TokenkeeperError('account_inactive', 'This account has been deactivated. Contact the site administrator.');
      await updateAccountClaims(trx, account.id, identity.claims as never, context.now);
      // An address comes with what its provider said of it; with none, the stored one stays, with its own.
      const email = identity.email === null ? { email: user.email, emailVerified: user.emailVerified } : { email: identity.email, emailVerified: identity.emailVerified };
      await updateUserProfile(trx, user, { ...email, name: identity.name ?? user.name });
    } else {
      // Identity is (provider, sub): a new subject is a new user, even when the e-mail matches someone.
      user = await createUser(trx, {
        username: await uniqueUsername(trx, wantedUsername(completed)),
        email: identity.email,
        emailVerified: identity.email === null ? null : identity.emailVerified,
        name: identity.name,
        isTokenUser: true,
        provider: identity.provider,
        dateJoined: context.now,
      });
      await createAccount(trx, {
        userId: user.id,
        provider: identity.provider,
        issuer: identity.issuer,
        subject: identity.subject,
        claims: identity.claims as never,
        now: context.now,
      });
      created = true;
    }
    await options.within?.(trx, user, created);
    const connection = await trackConnectionChange(context.webhooks, trx, user.id, identity.provider);
    const saved = await tokensToSave(context, trx, user.id, completed);
    await context.tokenStore.saveTokenSet(user.id, identity.provider, saved, context.now, trx);
    await connection.enqueueChange(saved.scope);
    await recordLogin(trx, user.id, context.now);
    await writeAuditEvent(trx, {
      event: 'user.signed_in',
      actorUserId: user.id,
      targetType: 'user',
      targetId: user.id,
      ip: context.ip,
      detail: { provider: identity.provider, created },
      at: context.now,
    });
    return { user, created };
  });
}

const SIGN_IN_ATTEMPTS = 3;

/**
 * Finds or creates the user for (provider, subject) and stores their tokens,
 * all in one transaction: either everything is saved or nothing is. When a
 * concurrent sign-in wins a unique key (the same person's account, or the
 * chosen username), the whole transaction runs again: PostgreSQL aborts a
 * transaction at its first failed statement, so retrying inside it is no use.
 */
export async function completeSignIn(context: SignInContext, completed: CompletedAuthorization, options: SignInOptions = {}): Promise<{ user: User; created: boolean }> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const result = await signInOnce(context, completed, options);
      context.webhooks?.notify();
      return result;
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= SIGN_IN_ATTEMPTS) throw error;
    }
  }
}

/** completeLink's work, inside the caller's transaction `trx`; the caller notifies the webhooks once it commits. */
export async function linkWithin(context: SignInContext, trx: Kysely<DatabaseSchema>, completed: CompletedAuthorization, userId: string): Promise<void> {
  const { identity } = completed;
  const user = await findUserById(trx, userId);
  if (!user || !user.isActive) throw new TokenkeeperError('unauthorized', 'Sign in first.');
  const account = await findAccount(trx, identity.provider, identity.subject);
  if (account && account.userId !== userId) {
    throw new TokenkeeperError('identity_taken', `This ${context.displayName} account is already connected to another user.`);
  }
  // One identity per provider: a second one would sign in as this user unseen (the page and the API show the first).
  const other = (await listAccountsForUser(trx, userId)).find((linked) => linked.provider === identity.provider && linked.subject !== identity.subject);
  // A connect-only provider's connection (its subject the user's id) takes the place of an identity made while the
  // provider still named people (a preset become connect-only): there is nobody to tell apart.
  const becomesConnection = other !== undefined && identity.subject === userId;
  if (other && !becomesConnection) {
    throw new TokenkeeperError('provider_already_connected', `Another ${context.displayName} account is already connected to you; disconnect it first.`);
  }
  if (becomesConnection) await makeConnectionOnly(trx, other.id, userId, identity.claims as never, context.now);
  else if (account) await updateAccountClaims(trx, account.id, identity.claims as never, context.now);
  else {
    await createAccount(trx, {
      userId,
      provider: identity.provider,
      issuer: identity.issuer,
      subject: identity.subject,
      claims: identity.claims as never,
      now: context.now,
    });
  }
  const connection = await trackConnectionChange(context.webhooks, trx, userId, identity.provider);
  const saved = await tokensToSave(context, trx, userId, completed);
  await context.tokenStore.saveTokenSet(userId, identity.provider, saved, context.now, trx);
  await connection.enqueueChange(saved.scope);
  await writeAuditEvent(trx, {
    event: 'account.linked',
    actorUserId: userId,
    targetType: 'user',
    targetId: userId,
    ip: context.ip,
    detail: { provider: identity.provider },
    at: context.now,
  });
}

/**
 * Links the identity that just signed in at a provider to an existing user
 * (POST /account/connections/:provider), and stores its tokens, in one
 * transaction. An identity already linked to another user is refused:
 * accounts are never merged.
 */
export async function completeLink(context: SignInContext, completed: CompletedAuthorization, userId: string): Promise<void> {
  await context.db.transaction().execute((trx) => linkWithin(context, trx, completed, userId));
  context.webhooks?.notify();
}
