import { createServiceKey, graceCutShortNote, listServiceKeys, revokeServiceKey, rotateServiceKey, SERVICE_PERMISSIONS, type ServiceKey } from '../core/service-keys.js';
import type { Tokenkeeper } from '../core/tokenkeeper.js';
import { absoluteTime } from '../server/views/format.js';
import { parseOrReportUsage, parseSubcommand, strictParse, UsageError, wholeNumberOption } from './arguments.js';
import { processIo, type CommandIo } from './command-io.js';
import { runOnApplication } from './open-application.js';

export const SERVICES_USAGE = `Usage: tokenkeeper services create <name> --permissions <list> [--providers <list>]
       tokenkeeper services list [--json]
       tokenkeeper services revoke <name>
       tokenkeeper services rotate <name> [--grace-seconds N]

Permissions (comma-separated): ${SERVICE_PERMISSIONS.join(', ')}.
--providers limits the key to those providers (default: all).
create and rotate print the key once, alone on the last line.`;

const MAX_GRACE_SECONDS = 30 * 86_400;

export type ServicesCommand =
  | { action: 'help' }
  | { action: 'create'; name: string; permissions: string[]; providers: string[] | null }
  | { action: 'list'; json: boolean }
  | { action: 'revoke'; name: string }
  | { action: 'rotate'; name: string; graceSeconds: number };

const list = (text: string) => text.split(',').map((item) => item.trim()).filter(Boolean);

function oneName(subcommand: string, positionals: string[]): string {
  if (positionals.length !== 1 || positionals[0] === '') throw new UsageError(`${subcommand} takes exactly one service name`);
  return positionals[0]!;
}

/** Parses `services …` arguments; throws UsageError on anything it does not know. */
export function parseServicesArguments(args: readonly string[]): ServicesCommand {
  return parseSubcommand<ServicesCommand>(args, { action: 'help' }, {
    create: (rest) => {
      const { values, positionals } = strictParse(rest, { permissions: { type: 'string' }, providers: { type: 'string' } }, true);
      const permissions = list((values.permissions as string | undefined) ?? '');
      if (permissions.length === 0) throw new UsageError('create needs --permissions');
      const unknown = permissions.filter((p) => !(SERVICE_PERMISSIONS as readonly string[]).includes(p));
      if (unknown.length > 0) throw new UsageError(`unknown permission ${unknown.map((p) => `"${p}"`).join(', ')}`);
      const providers = values.providers === undefined ? null : list(values.providers as string);
      if (providers !== null && providers.length === 0) throw new UsageError('--providers needs at least one provider name (leave it out for all)');
      return { action: 'create', name: oneName('create', positionals), permissions, providers };
    },
    list: (rest) => {
      const { values } = strictParse(rest, { json: { type: 'boolean' } });
      return { action: 'list', json: values.json === true };
    },
    revoke: (rest) => {
      const { positionals } = strictParse(rest, {}, true);
      return { action: 'revoke', name: oneName('revoke', positionals) };
    },
    rotate: (rest) => {
      const { values, positionals } = strictParse(rest, { 'grace-seconds': { type: 'string' } }, true);
      const graceSeconds = wholeNumberOption(values, 'grace-seconds', { min: 0, max: MAX_GRACE_SECONDS, fallback: 0 });
      return { action: 'rotate', name: oneName('rotate', positionals), graceSeconds };
    },
  });
}

const providersText = (key: ServiceKey) => (key.providers === null ? 'all' : key.providers.join(','));
const when = (at: number | null) => (at === null ? 'never' : absoluteTime(at));

/** `--json`: fields picked one by one (times in epoch seconds), so nothing else of a key can reach scripts' output. */
function listing(key: ServiceKey) {
  return {
    id: key.id,
    name: key.name,
    permissions: key.permissions,
    providers: key.providers,
    created_at: key.createdAt,
    rotated_at: key.rotatedAt,
    last_used_at: key.lastUsedAt,
    previous_key_expires_at: key.previousSecretExpiresAt,
  };
}

function table(keys: readonly ServiceKey[]): string {
  const lines = [
    ['NAME', 'PERMISSIONS', 'PROVIDERS', 'CREATED', 'LAST USED'],
    ...keys.map((key) => [key.name, key.permissions.join(','), providersText(key), when(key.createdAt), when(key.lastUsedAt)]),
  ];
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)));
  return lines.map((line) => line.map((text, i) => text.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

async function run(services: Tokenkeeper, command: Exclude<ServicesCommand, { action: 'help' }>, io: CommandIo): Promise<void> {
  const actor = { cli: true } as const;
  switch (command.action) {
    case 'create': {
      const { serviceKey, key } = await createServiceKey(services, command, actor);
      io.stdout.write(`Created the service key "${serviceKey.name}": permissions ${serviceKey.permissions.join(', ')}; providers ${providersText(serviceKey)}.\n`);
      io.stdout.write('Keep it now: it is not stored and cannot be shown again. Services send it as "Authorization: Bearer <key>".\n');
      io.stdout.write(`${key}\n`);
      return;
    }
    case 'list': {
      const keys = await listServiceKeys(services);
      if (command.json) io.stdout.write(`${JSON.stringify(keys.map(listing), null, 2)}\n`);
      else io.stdout.write(keys.length === 0 ? 'No service keys.\n' : `${table(keys)}\n`);
      return;
    }
    case 'revoke': {
      await revokeServiceKey(services, command.name, actor);
      io.stdout.write(`Revoked the service key "${command.name}": it no longer works.\n`);
      return;
    }
    case 'rotate': {
      const { serviceKey, key, graceCutShort } = await rotateServiceKey(services, command.name, command.graceSeconds, actor);
      const old = serviceKey.previousSecretExpiresAt === null ? 'The old key no longer works.' : `The old key works until ${absoluteTime(serviceKey.previousSecretExpiresAt)}.`;
      io.stdout.write(`Rotated the service key "${serviceKey.name}". ${old}\n`);
      if (graceCutShort !== null) io.stdout.write(`${graceCutShortNote(absoluteTime(graceCutShort))}\n`);
      io.stdout.write('Keep the new key now: it is not stored and cannot be shown again.\n');
      io.stdout.write(`${key}\n`);
      return;
    }
  }
}

/**
 * `tokenkeeper services create|list|revoke|rotate`: the service API's keys
 * from the command line. Returns the exit code: 0 done, 1 failed (one line on
 * stderr), 2 bad usage. A ConfigError is left to main().
 */
export async function runServices(args: string[], io: CommandIo = processIo()): Promise<number> {
  const command = parseOrReportUsage('services', SERVICES_USAGE, io.stderr, () => parseServicesArguments(args));
  if (!command) return 2;
  if (command.action === 'help') {
    io.stdout.write(`${SERVICES_USAGE}\n`);
    return 0;
  }
  return runOnApplication(`services ${command.action}`, io, (services) => run(services, command, io));
}
