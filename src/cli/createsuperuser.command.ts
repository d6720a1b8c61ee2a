import { CommandFailure, parseOrReportUsage, strictParse, UsageError } from './arguments.js';
import { ConfigError } from '../config/config-error.js';
import { writeAuditEvent } from '../db/audit.repository.js';
import { isUniqueViolation, openDatabase, type Database } from '../db/database.js';
import { newerSchemaWarning, pendingMigrations, unknownMigrations } from '../db/migrate.js';
import { deleteSessionsForUser } from '../db/session.repository.js';
import { createUser, findUserByUsername, setPassword, setUserFlags, updateUserProfile, type User } from '../db/user.repository.js';
import { hashPassword, passwordProblem } from '../server/admin/auth/passwords.js';
import { processIo, type CommandIo } from './command-io.js';
import { requireExistingDatabase } from './existing-database.js';
import { configFromEnvironment } from './load-config.js';
import { InputEndedError, Prompter, readFirstLine } from './prompter.js';

export const CREATESUPERUSER_USAGE = `Usage: tokenkeeper createsuperuser                      (asks for each value on a terminal)
       tokenkeeper createsuperuser --username U --email E --password-stdin
       TOKENKEEPER_SUPERUSER_PASSWORD=… tokenkeeper createsuperuser --username U --email E
  --update                set the password and staff flags of an existing user instead of failing,
                          and end that user's sessions
  --allow-provider-user   with --update: also for a user who signed up through a provider`;

export const PASSWORD_VARIABLE = 'TOKENKEEPER_SUPERUSER_PASSWORD';

const USERNAME_PATTERN = /^[a-zA-Z0-9._@+-]{1,150}$/;
// A shape check, not a deliverability check: something@something.tld, no spaces.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;
const MAX_EMAIL_LENGTH = 254;

/** What createsuperuser reads and writes; stdin is where answers and `--password-stdin` come from. */
export interface CreateSuperuserIo extends CommandIo {
  /** Prompts are asked only when this is a terminal (`isTTY`). */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export function processCreateSuperuserIo(): CreateSuperuserIo {
  return { ...processIo(), stdin: process.stdin };
}

export interface CreateSuperuserArguments {
  username?: string;
  email?: string;
  passwordStdin: boolean;
  update: boolean;
  allowProviderUser: boolean;
  help: boolean;
}

export function usernameProblem(username: string): string | null {
  return USERNAME_PATTERN.test(username)
    ? null
    : 'The username must be 1 to 150 characters: letters, digits and . _ @ + - only.';
}

export function emailProblem(email: string): string | null {
  return email.length <= MAX_EMAIL_LENGTH && EMAIL_PATTERN.test(email) ? null : 'The e-mail address must look like name@example.com.';
}

export function parseCreateSuperuserArguments(args: readonly string[]): CreateSuperuserArguments {
  const { values } = strictParse(args, {
    username: { type: 'string' },
    email: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    update: { type: 'boolean' },
    'allow-provider-user': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values['allow-provider-user'] === true && values.update !== true) throw new UsageError('--allow-provider-user goes with --update');
  return {
    ...(typeof values.username === 'string' ? { username: values.username } : {}),
    ...(typeof values.email === 'string' ? { email: values.email } : {}),
    passwordStdin: values['password-stdin'] === true,
    update: values.update === true,
    allowProviderUser: values['allow-provider-user'] === true,
    help: values.help === true,
  };
}

interface Superuser {
  username: string;
  /** Null only when updating an existing user and no e-mail was given: theirs is kept. */
  email: string | null;
  password: string;
}

/**
 * `tokenkeeper createsuperuser`: a staff superuser who can sign in at /admin/login
 * with a password. On a terminal it asks for what the flags don't give; otherwise
 * everything comes from flags, the password from one line of stdin
 * (`--password-stdin`) or TOKENKEEPER_SUPERUSER_PASSWORD. It never prints the password.
 * Returns the exit code: 0 done, 1 failed (one line on stderr), 2 bad usage.
 */
export async function runCreateSuperuser(args: string[], io: CreateSuperuserIo = processCreateSuperuserIo()): Promise<number> {
  const parsed = parseOrReportUsage('createsuperuser', CREATESUPERUSER_USAGE, io.stderr, () => {
    const result = parseCreateSuperuserArguments(args);
    if (!result.help) checkNonInteractiveArguments(result, io);
    return result;
  });
  if (!parsed) return 2;
  if (parsed.help) {
    io.stdout.write(`${CREATESUPERUSER_USAGE}\n`);
    return 0;
  }

  const config = configFromEnvironment(io.env, io.cwd);
  const now = io.now ?? (() => Math.floor(Date.now() / 1000));
  let database: Database | null = null;
  try {
    requireExistingDatabase(config.databaseUrl, io.cwd);
    database = await openDatabase(config.databaseUrl, {
      relativeTo: io.cwd,
      onBackgroundError: (error) => io.stderr.write(`tokenkeeper createsuperuser: database connection failed: ${error.message}\n`),
    });
    await requireMigrated(database, io);
    const wanted = interactive(parsed, io) ? await askForSuperuser(database, parsed, io) : await superuserFromArguments(parsed, io);
    const existing = await findUserByUsername(database.db, wanted.username);
    if (existing && !parsed.update) throw alreadyExists(existing);
    if (existing) failIf(providerUserProblem(existing, parsed));
    if (!existing && wanted.email === null) throw new CommandFailure('give --email: a new user needs an e-mail address.');
    const passwordHash = await hashPassword(wanted.password);
    if (existing) {
      const sessionsEnded = await updateSuperuser(database, existing, wanted, passwordHash, now());
      io.stdout.write(`Superuser "${existing.username}" updated: new password, staff and superuser; ${sessionsEnded === 1 ? '1 session' : `${sessionsEnded} sessions`} ended.\n`);
      return 0;
    }
    const user = await createSuperuser(database, wanted, passwordHash, now());
    io.stdout.write(`Superuser "${user.username}" created. Sign in at ${new URL('/admin/login', config.baseUrl)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const message =
      error instanceof CommandFailure ? error.message : error instanceof InputEndedError ? cancelled(error) : ((error as Error).message ?? String(error));
    io.stderr.write(`tokenkeeper createsuperuser: ${message}\n`);
    return 1;
  } finally {
    await database?.close();
  }
}

function interactive(parsed: CreateSuperuserArguments, io: CreateSuperuserIo): boolean {
  if (parsed.passwordStdin || io.stdin.isTTY !== true) return false;
  // Everything given already: no reason to ask anything.
  return !(parsed.username !== undefined && parsed.email !== undefined && passwordFromEnvironment(io) !== undefined);
}

function passwordFromEnvironment(io: CommandIo): string | undefined {
  const value = io.env[PASSWORD_VARIABLE];
  return value === undefined || value === '' ? undefined : value;
}

/** Without a terminal nothing can be asked: the flags must say everything. */
function checkNonInteractiveArguments(parsed: CreateSuperuserArguments, io: CreateSuperuserIo): void {
  if (!parsed.passwordStdin && io.stdin.isTTY === true) return;
  const missing = [parsed.username === undefined ? '--username' : null, parsed.email === undefined && !parsed.update ? '--email' : null].filter((m) => m !== null);
  if (missing.length > 0) {
    const why = parsed.passwordStdin ? 'with --password-stdin' : 'stdin is not a terminal, so nothing can be asked:';
    throw new UsageError(`${why} give ${missing.join(' and ')}`);
  }
  if (!parsed.passwordStdin && passwordFromEnvironment(io) === undefined) {
    // Set to nothing, as `VAR=$UNSET_SHELL_VARIABLE` does: "give it in TOKENKEEPER_SUPERUSER_PASSWORD" would read as nonsense.
    if (io.env[PASSWORD_VARIABLE] === '') throw new UsageError(`${PASSWORD_VARIABLE} is set but empty (from a shell variable that is not set?): give the password in it, or on stdin with --password-stdin`);
    throw new UsageError(`stdin is not a terminal: give the password on stdin with --password-stdin, or in ${PASSWORD_VARIABLE}`);
  }
}

async function requireMigrated(database: Database, io: CommandIo): Promise<void> {
  const newer = await unknownMigrations(database);
  if (newer.length > 0) io.stderr.write(`tokenkeeper createsuperuser: ${newerSchemaWarning(newer)}\n`);
  const pending = await pendingMigrations(database);
  if (pending.length === 0) return;
  const what = pending.length === 1 ? `a pending migration (${pending[0]})` : `${pending.length} pending migrations (${pending.join(', ')})`;
  throw new CommandFailure(`the database has ${what}; run \`tokenkeeper migrate\` first.`);
}

function alreadyExists(user: User): CommandFailure {
  if (user.isTokenUser) {
    return new CommandFailure(
      `a user named "${user.username}" already exists and signed up through ${user.provider ?? 'a provider'}; choose another username (to make that provider account a superuser, use --update --allow-provider-user).`,
    );
  }
  return new CommandFailure(`a user named "${user.username}" already exists (use --update to set their password and make them a superuser).`);
}

/**
 * A user who signed up through a provider picked their own username: anyone
 * may sign up as "ops" before the operator runs this. Promoting them needs
 * --allow-provider-user, so it is never done by accident.
 */
function providerUserProblem(user: User, parsed: CreateSuperuserArguments): string | null {
  if (!user.isTokenUser || parsed.allowProviderUser) return null;
  return `"${user.username}" signed up through ${user.provider ?? 'a provider'}, so whoever holds that identity chose the name; not making them a superuser. If that account is yours, run again with --allow-provider-user.`;
}

function failIf(problem: string | null): void {
  if (problem !== null) throw new CommandFailure(problem);
}

async function superuserFromArguments(parsed: CreateSuperuserArguments, io: CreateSuperuserIo): Promise<Superuser> {
  const username = parsed.username ?? '';
  failIf(usernameProblem(username));
  if (parsed.email !== undefined) failIf(emailProblem(parsed.email));

  let password: string | undefined;
  if (parsed.passwordStdin) {
    const line = await readFirstLine(io.stdin);
    if (line === null) throw new CommandFailure('--password-stdin: stdin ended before a password line.');
    password = line;
  } else {
    password = passwordFromEnvironment(io);
  }
  if (password === undefined) throw new CommandFailure(`no password: use --password-stdin or set ${PASSWORD_VARIABLE}.`);
  failIf(passwordProblem(password, username));
  return { username, email: parsed.email ?? null, password };
}

/** Asks for each value the flags did not give, again after each problem, until it is acceptable. */
async function askForSuperuser(database: Database, parsed: CreateSuperuserArguments, io: CreateSuperuserIo): Promise<Superuser> {
  const prompter = new Prompter(io.stdin, io.stdout, { terminal: true });
  const tell = (problem: string) => io.stderr.write(`Error: ${problem}\n`);
  try {
    let username = parsed.username;
    let existing: User | undefined;
    if (username !== undefined) {
      failIf(usernameProblem(username));
      existing = await findUserByUsername(database.db, username);
      if (existing && !parsed.update) throw alreadyExists(existing);
      if (existing) failIf(providerUserProblem(existing, parsed));
    }
    while (username === undefined) {
      const answer = (await prompter.ask('Username: ')).trim();
      const problem = usernameProblem(answer);
      if (problem !== null) {
        tell(problem);
        continue;
      }
      existing = await findUserByUsername(database.db, answer);
      if (existing && !parsed.update) {
        tell(`a user named "${answer}" already exists; choose another username.`);
        continue;
      }
      const refusal = existing ? providerUserProblem(existing, parsed) : null;
      if (refusal !== null) {
        tell(refusal);
        continue;
      }
      username = answer;
    }

    let email = parsed.email ?? null;
    if (email !== null) failIf(emailProblem(email));
    // An existing user being updated keeps their e-mail unless one was given.
    while (email === null && !existing) {
      const answer = (await prompter.ask('E-mail address: ')).trim();
      const problem = emailProblem(answer);
      if (problem === null) email = answer;
      else tell(problem);
    }

    let password = passwordFromEnvironment(io);
    if (password !== undefined) failIf(passwordProblem(password, username));
    while (password === undefined) {
      const first = await prompter.ask('Password: ', { hidden: true });
      const problem = passwordProblem(first, username);
      if (problem !== null) {
        tell(problem);
        continue;
      }
      const second = await prompter.ask('Password (again): ', { hidden: true });
      if (second !== first) {
        tell('the two passwords differ; try again.');
        continue;
      }
      password = first;
    }
    return { username, email, password };
  } finally {
    prompter.close();
  }
}

async function createSuperuser(database: Database, wanted: Superuser, passwordHash: string, now: number): Promise<User> {
  let user: User;
  try {
    user = await createUser(database.db, {
      username: wanted.username,
      email: wanted.email,
      isTokenUser: false,
      provider: null,
      isStaff: true,
      isSuperuser: true,
      isActive: true,
      passwordHash,
      dateJoined: now,
    });
  } catch (error) {
    // Someone took the name between the check and the insert.
    if (isUniqueViolation(error)) throw new CommandFailure(`a user named "${wanted.username}" already exists.`, { cause: error });
    throw error;
  }
  await writeAuditEvent(database.db, {
    event: 'admin.superuser_created',
    actorUserId: null,
    targetType: 'user',
    targetId: user.id,
    detail: { username: user.username, via: 'cli' },
    at: now,
  });
  return user;
}

/** Returns how many of the user's sessions were ended. */
async function updateSuperuser(database: Database, existing: User, wanted: Superuser, passwordHash: string, now: number): Promise<number> {
  return database.db.transaction().execute(async (trx) => {
    await setPassword(trx, existing.id, passwordHash);
    await setUserFlags(trx, existing.id, { isStaff: true, isSuperuser: true, isActive: true });
    // An address typed here is verified by no provider, unless it is the one a provider already vouched for.
    if (wanted.email !== null) {
      const emailVerified = wanted.email === existing.email ? existing.emailVerified : null;
      await updateUserProfile(trx, existing, { email: wanted.email, emailVerified, name: existing.name });
    }
    // A new password is often set because the old one leaked: whoever signed in with it is signed out
    // (the OWASP Forgot Password Cheat Sheet's advice after a reset).
    const sessionsEnded = await deleteSessionsForUser(trx, existing.id);
    await writeAuditEvent(trx, {
      event: 'admin.superuser_updated',
      actorUserId: null,
      targetType: 'user',
      targetId: existing.id,
      detail: { username: existing.username, via: 'cli', sessionsEnded, ...(existing.isTokenUser ? { providerUser: true } : {}) },
      at: now,
    });
    return sessionsEnded;
  });
}

function cancelled(error: InputEndedError): string {
  return error.interrupted ? 'cancelled (Ctrl-C): nobody was created or changed.' : 'cancelled: the input ended before every answer was given.';
}
