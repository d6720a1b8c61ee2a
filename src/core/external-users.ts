import type { CompletedAuthorization } from '../client/authorization.js';
import { TokenkeeperError } from '../client/errors.js';
import { findAccount, listAccountsForUser, signInIdentities } from '../db/account.repository.js';
import { isUniqueViolation } from '../db/database.js';
import { findDirectoryUser, findUserIdByExternalId, setExternalId } from '../db/service-users.repository.js';
import { createUser, findUserById, uniqueUsername, type User } from '../db/user.repository.js';
import { completeLink, completeSignIn, linkWithin, type SignInContext, type SignInOptions } from './sign-in.js';

/**
 * A sign-in's `within` step that gives the signed-in user `externalId`:
 * nothing to do when they have it already; refused when they have another
 * one (external_id_conflict) or another user has it (external_id_taken), so
 * that nothing of the sign-in is stored.
 */
export function claimExternalId(externalId: string, displayName: string): NonNullable<SignInOptions['within']> {
  return async (trx, user) => {
    const current = (await findDirectoryUser(trx, user.id))?.externalId ?? null;
    if (current === externalId) return;
    if (current !== null) throw new TokenkeeperError('external_id_conflict', `This ${displayName} account belongs to a user who already has another external_id; it was left as it is.`);
    if ((await setExternalId(trx, user.id, externalId)) === 'taken') throw new TokenkeeperError('external_id_taken', 'Another user has this external_id.');
  };
}

export interface ExternalSignIn {
  user: User;
  /** A new Tokenkeeper user was made (the identity and the external id were both new). */
  created: boolean;
}

/**
 * A sign-in for a host application that names its own user (`externalId`)
 * for the identity that just signed in. The external id is the person: an
 * identity new to Tokenkeeper joins the user who already has that external
 * id (a second provider for the same person), a known identity's user gets
 * the external id, and a new identity with a new external id makes a new
 * user. An identity already held by a user with another external id is
 * refused (external_id_conflict): users are never merged.
 */
export async function completeExternalSignIn(context: SignInContext, completed: CompletedAuthorization, externalId: string): Promise<ExternalSignIn> {
  const { provider, subject } = completed.identity;
  const holderId = await findUserIdByExternalId(context.db, externalId);
  const owner = await findAccount(context.db, provider, subject);
  if (holderId !== undefined && owner && owner.userId !== holderId) {
    throw new TokenkeeperError('external_id_conflict', `This ${context.displayName} account belongs to another user than the one with this external_id; nothing was changed.`);
  }
  if (holderId !== undefined && !owner) {
    const holder = await findUserById(context.db, holderId);
    if (!holder?.isActive) throw new TokenkeeperError('account_inactive', 'This account has been deactivated. Contact the site administrator.');
    await completeLink(context, completed, holderId);
    return { user: holder, created: false };
  }
  return completeSignIn(context, completed, { within: claimExternalId(externalId, context.displayName) });
}

/** A username for a user known only by an external id: the id, cleaned as usernames are. */
function externalUsername(externalId: string): string {
  return externalId.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'external-user';
}

/**
 * A connect-only provider's connection (`completed`, whose subject is the id chosen for the user) for `externalId`,
 * when the host or service vouches for the person and no user who can sign in has it: the provider identifies no
 * one, so the external id is the person. A user is made with the external id (and that id) in the same transaction
 * as the connection; a user who got the external id meanwhile is theirs when they have no way to sign in either
 * (the connection's subject becomes their id), and refused (external_id_taken) when they have one, for only
 * signing in as them may connect to them. A clash of usernames runs the whole transaction again.
 */
export async function completeConnectOnlyByExternalId(context: SignInContext, completed: CompletedAuthorization, externalId: string): Promise<{ userId: string; created: boolean }> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const result = await context.db.transaction().execute(async (trx) => {
        const holder = await findUserIdByExternalId(trx, externalId);
        if (holder !== undefined && signInIdentities(await listAccountsForUser(trx, holder)).length > 0) {
          throw new TokenkeeperError('external_id_taken', 'A user who signs in has this external_id: they connect it themselves, signed in.');
        }
        const userId = holder ?? completed.identity.subject;
        if (holder === undefined) {
          const { identity } = completed;
          await createUser(trx, {
            id: userId,
            username: await uniqueUsername(trx, externalUsername(externalId)),
            email: identity.email,
            emailVerified: identity.email === null ? null : identity.emailVerified,
            name: identity.name,
            isTokenUser: true,
            dateJoined: context.now,
          });
          if ((await setExternalId(trx, userId, externalId)) === 'taken') throw new TokenkeeperError('external_id_taken', 'Another user has this external_id.');
        }
        await linkWithin(context, trx, { ...completed, identity: { ...completed.identity, subject: userId } }, userId);
        return { userId, created: holder === undefined };
      });
      context.webhooks?.notify();
      return result;
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
    }
  }
}
