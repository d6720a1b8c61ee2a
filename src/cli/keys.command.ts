import { parseOrReportUsage, parseSubcommand, strictParse, wholeNumberOption } from './arguments.js';
import { ConfigError } from '../config/config-error.js';
import { openDatabase } from '../db/database.js';
import { countRowsToRotate, rotateEncryptionKeys, type TableRotation } from '../db/key-rotation.js';
import { newerSchemaWarning, pendingMigrations, unknownMigrations } from '../db/migrate.js';
import { generateEncryptionKey, parseEncryptionKeys, TokenCipher } from '../db/token-cipher.js';
import { processIo, type CommandIo } from './command-io.js';
import { requireExistingDatabase } from './existing-database.js';
import { configFromEnvironment } from './load-config.js';
import { createProgress } from './progress.js';

export const KEYS_USAGE = `Usage: tokenkeeper keys rotate [--batch-size N]
       tokenkeeper keys generate

Rotating the encryption key, in three rollouts, so that no server reads a value
written under a key it does not have yet (the first key writes, every key reads):
  1. tokenkeeper keys generate; add the new key last, TOKEN_ENCRYPTION_KEYS=<old>,<new>,
     and restart every server: each can now read it
  2. move it first, TOKEN_ENCRYPTION_KEYS=<new>,<old>, and restart every server: new
     values are written with it; then run tokenkeeper keys rotate with that variable
  3. once keys rotate exits 0, remove the old key and restart again
With a single server, steps 1 and 2 can be one restart with <new>,<old>.`;

const DEFAULT_BATCH_SIZE = 200;
const MAX_BATCH_SIZE = 10_000;

export type KeysCommand = { action: 'help' } | { action: 'generate' } | { action: 'rotate'; batchSize: number };

/** Parses `keys …` arguments; throws UsageError on anything it does not know. */
export function parseKeysArguments(args: readonly string[]): KeysCommand {
  return parseSubcommand<KeysCommand>(args, { action: 'help' }, {
    generate: (rest) => {
      strictParse(rest, {});
      return { action: 'generate' };
    },
    rotate: (rest) => {
      const { values } = strictParse(rest, { 'batch-size': { type: 'string' } });
      return { action: 'rotate', batchSize: wholeNumberOption(values, 'batch-size', { min: 1, max: MAX_BATCH_SIZE, fallback: DEFAULT_BATCH_SIZE }) };
    },
  });
}

/**
 * `tokenkeeper keys rotate|generate`. Returns the exit code: 0 done, 1 some
 * rows could not be re-encrypted (listed by id on stderr) or another failure,
 * 2 bad usage. A ConfigError is left to main(), like every command.
 */
export async function runKeys(args: string[], io: CommandIo = processIo()): Promise<number> {
  const command = parseOrReportUsage('keys', KEYS_USAGE, io.stderr, () => parseKeysArguments(args));
  if (!command) return 2;
  switch (command.action) {
    case 'help':
      io.stdout.write(`${KEYS_USAGE}\n`);
      return 0;
    case 'generate':
      // stdout is the key alone, so `$(tokenkeeper keys generate)` works.
      io.stdout.write(`${generateEncryptionKey()}\n`);
      return 0;
    case 'rotate':
      return rotate(command.batchSize, io);
  }
}

async function rotate(batchSize: number, io: CommandIo): Promise<number> {
  const config = configFromEnvironment(io.env, io.cwd);
  const now = io.now ?? (() => Math.floor(Date.now() / 1000));
  // The configuration already checked the keys; parsing again cannot fail.
  const keys = parseEncryptionKeys(config.tokenEncryptionKeys);
  const cipher = new TokenCipher(keys);
  try {
    requireExistingDatabase(config.databaseUrl, io.cwd);
    const database = await openDatabase(config.databaseUrl, { relativeTo: io.cwd });
    try {
      const newer = await unknownMigrations(database);
      if (newer.length > 0) io.stderr.write(`tokenkeeper keys rotate: ${newerSchemaWarning(newer)}\n`);
      const pending = await pendingMigrations(database);
      if (pending.length > 0) {
        io.stderr.write(`tokenkeeper keys rotate: the database has ${pending.length} pending migration(s); run \`tokenkeeper migrate\` first.\n`);
        return 1;
      }
      const total = await countRowsToRotate(database.db, now());
      const clock = { now: () => now() * 1000 };
      const progress = {
        tokens: createProgress({ output: io.stderr, label: 'keys rotate: tokens', unit: 'rows', ...(io.now ? clock : {}) }),
        login_transactions: createProgress({ output: io.stderr, label: 'keys rotate: sign-ins in progress', unit: 'rows', ...(io.now ? clock : {}) }),
        registered_clients: createProgress({ output: io.stderr, label: 'keys rotate: registered clients', unit: 'rows', ...(io.now ? clock : {}) }),
      };
      // Ctrl-C (or a SIGTERM) stops it between two rows, and it reports what it did: killed outright, it said nothing.
      const interruption = new AbortController();
      let signalName = '';
      const interrupt = (signal: NodeJS.Signals) => {
        signalName = signal;
        interruption.abort();
      };
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      let result: Awaited<ReturnType<typeof rotateEncryptionKeys>>;
      try {
        result = await rotateEncryptionKeys(database.db, cipher, {
          batchSize,
          now: now(),
          signal: interruption.signal,
          // Rows added since the count make `checked` pass the total: the total grows with it.
          onBatch: (table, rotation) => progress[table].update(rotation.checked, Math.max(total[table], rotation.checked)),
        });
      } finally {
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
      }
      // At the end every row there is was checked (rows deleted meanwhile were counted but not seen).
      const finish = (rotation: TableRotation, counted: number) => (result.interrupted ? Math.max(counted, rotation.checked) : rotation.checked);
      progress.tokens.finish(result.tokens.checked, finish(result.tokens, total.tokens));
      progress.login_transactions.finish(result.loginTransactions.checked, finish(result.loginTransactions, total.login_transactions));
      progress.registered_clients.finish(result.registeredClients.checked, finish(result.registeredClients, total.registered_clients));
      io.stdout.write(`Newest key: ${result.keyId} (${keys.length} key${keys.length === 1 ? '' : 's'} configured).\n`);
      io.stdout.write(`Tokens: ${describe(result.tokens)}.\n`);
      io.stdout.write(`Sign-ins in progress: ${describe(result.loginTransactions)}.\n`);
      io.stdout.write(`Registered clients: ${describe(result.registeredClients)}.\n`);

      const failed = [
        ...result.tokens.failed.map((f) => ({ ...f, what: 'token' })),
        ...result.loginTransactions.failed.map((f) => ({ ...f, what: 'sign-in in progress' })),
        ...result.registeredClients.failed.map((f) => ({ ...f, what: 'registered client' })),
      ];
      for (const failure of failed) {
        io.stderr.write(`tokenkeeper keys rotate: ${failure.what} ${failure.id} left as it is: ${reason(failure)}\n`);
      }
      const changed = result.tokens.changedConcurrently + result.loginTransactions.changedConcurrently + result.registeredClients.changedConcurrently;
      if (changed > 0) {
        io.stderr.write(`tokenkeeper keys rotate: ${changed} row(s) kept changing while being rotated; run \`tokenkeeper keys rotate\` again.\n`);
      }
      if (result.interrupted) {
        io.stderr.write(
          `tokenkeeper keys rotate: interrupted (${signalName}) before every row was checked: the rows not reached are as they were; run \`tokenkeeper keys rotate\` again.\n`,
        );
      }
      if (failed.length > 0) {
        io.stderr.write(
          `tokenkeeper keys rotate: ${failed.length} row(s) could not be decrypted with the configured keys; keep the old keys until they are dealt with (sign-ins in progress expire within minutes).\n`,
        );
        return 1;
      }
      if (changed > 0 || result.interrupted) return 1;
      io.stdout.write('Every stored value is encrypted with the newest key: older keys can be removed from TOKEN_ENCRYPTION_KEYS.\n');
      return 0;
    } finally {
      await database.close();
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    io.stderr.write(`tokenkeeper keys rotate: ${(error as Error).message ?? String(error)}\n`);
    return 1;
  }
}

function describe(rotation: TableRotation): string {
  return `${rotation.checked} checked, ${rotation.reencrypted} re-encrypted, ${rotation.alreadyCurrent} already current, ${rotation.failed.length} failed`;
}

function reason({ code, keyId }: TableRotation['failed'][number]): string {
  switch (code) {
    case 'UNKNOWN_KEY':
      return `it was encrypted with key ${keyId ?? '(unknown id)'}, which is not in TOKEN_ENCRYPTION_KEYS`;
    case 'AUTHENTICATION_FAILED':
      return 'it failed authentication (altered, or moved from another row)';
    case 'MALFORMED_CIPHERTEXT':
      return 'it is not in the encrypted format';
    case 'UNEXPECTED':
      return 'an unexpected error while decrypting it';
  }
}
