// The package's type declarations as a TypeScript user gets them: a program
// importing every entry point, compiled with `strict` and without
// `skipLibCheck` (TypeScript's defaults checks every declaration file the
// program reaches), against a node_modules holding only what installing this
// package brings: its dependencies, not its devDependencies. A declaration
// that names a package whose types only this repository has (a devDependency,
// or a declaration file of its own that is not shipped) fails here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './support/server-processes.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

const PROGRAM = `
import { createTokenkeeper, devProvider, TokenkeeperError, type ErrorCode, type Tokenkeeper, type TokenEvent, type User } from 'tokenkeeper';
import type { DiscoveryState, Environment, PresetSettings, ProviderApiOptions, ProviderFaultCode, ProxyHeaders, RegistryOptions, SendInit, SignInErrorCode, StreamInit } from 'tokenkeeper';
import { generateEncryptionKey, openDatabase, type Database } from 'tokenkeeper/db';
import { authorizeAs, startDevProvider, SUPPORTED_SCOPES, type DevProvider } from 'tokenkeeper/dev-provider';
import { tokenkeeperPlugin } from 'tokenkeeper/fastify';
import { createServiceClient, ServiceApiError, verifyWebhook, type AccessToken, type ServiceUser, type WebhookEvent } from 'tokenkeeper/service-client';
import Fastify from 'fastify';

const toolkit = devProvider('http://localhost:4000');
const provider: DevProvider = await startDevProvider({ port: 4000, clients: [{ clientId: toolkit.clientId, clientSecret: toolkit.clientSecret, redirectUris: ['http://localhost:3000/callback'] }] });
// A Fastify host logs through its own app.log (typed FastifyBaseLogger, not pino's whole Logger).
const host = Fastify({ logger: true });
const tokenkeeper: Tokenkeeper = await createTokenkeeper({ database: 'sqlite::memory:', encryptionKeys: generateEncryptionKey(), providers: { toolkit }, logger: host.log });
tokenkeeper.on((event: TokenEvent) => console.log(event.type));
// A failed refresh's code is one of Errors' codes, to switch on as a TokenkeeperError's.
tokenkeeper.on((event) => {
  if (event.type === 'token.refresh_failed' || event.type === 'token.needs_reauth') {
    const code: ErrorCode = event.code;
    console.log(code === 'provider_timeout');
  }
});
const started = await tokenkeeper.signIn.start('toolkit', { redirectUri: 'http://localhost:3000/callback' });
const { user: signedIn } = await tokenkeeper.signIn.finish('toolkit', await authorizeAs(started.url, 'alice'), started.transaction);
const user: User | undefined = await tokenkeeper.findUser({ externalId: signedIn.externalId ?? 'x' });
const token: string = (await tokenkeeper.getAccessToken(user?.id ?? 'none', 'toolkit')).accessToken;
const database: Database | undefined = undefined;
// The types the public signatures use are importable by name, to annotate what is passed to them.
const named: Array<ProviderFaultCode | SignInErrorCode> = ['provider_timeout', 'invalid_state'];
const env: Environment = { DATABASE_URL: 'sqlite::memory:' };
const headers: ProxyHeaders | undefined = undefined;
const preset: PresetSettings = { scope: 'openid' };
const options: Partial<RegistryOptions & ProviderApiOptions> = {};
const state: DiscoveryState | undefined = undefined;
const send: SendInit | StreamInit | undefined = undefined;
console.log(named, env, headers, preset, options, state, send);
// A backend's side: the service API's client and the webhook check.
const service = createServiceClient({ baseUrl: 'http://localhost:3000', key: 'tks_…', timeoutMs: 5000 });
const served: AccessToken = await service.accessToken({ externalId: 'cus_123' }, 'toolkit', { minTtlSeconds: 300 });
const found: ServiceUser[] = await service.findUsers({ provider: 'toolkit', subject: 'alice' });
const event: WebhookEvent = verifyWebhook(['whsec_a', 'whsec_b'], new Headers(), new Uint8Array(), { toleranceSeconds: 60 });
if (event.type === 'user.deleted') console.log(event.data.provider satisfies null);
console.log(served.expiresAt, found, ServiceApiError);
console.log(token, database, openDatabase, tokenkeeperPlugin, SUPPORTED_SCOPES, provider.stats.refreshTokenGrants, TokenkeeperError);
`;

/**
 * The plugin's example in its doc comment (docs/api/tokenkeeper.fastify.md),
 * as a reader copies it: it declares everything it uses, so it must compile
 * as it is.
 */
function pluginExample(): string {
  const source = readFileSync(join(REPO_ROOT, 'src', 'adapters', 'fastify.ts'), 'utf8');
  const comment = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\nexport const tokenkeeperPlugin\b/.exec(source)?.[1];
  const example = comment?.split(/^ \* @example$/m)[1];
  if (example === undefined) throw new Error('src/adapters/fastify.ts: no @example in the doc comment of tokenkeeperPlugin');
  return example.replace(/^ \*(?: |$)/gm, '');
}

/**
 * The top-level packages `npm install` of this one would bring: package-lock.json's packages not marked `dev`
 * (production dependencies, transitively). Nested copies (a/node_modules/b) come with their parent's link.
 */
function installedPackages(): string[] {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const prefix = 'node_modules/';
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/node_modules/') && entry.dev !== true)
    .map(([path]) => path.slice(prefix.length));
}

describe('the type declarations a TypeScript user installs', () => {
  const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-types-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('a strict program using every entry point, and the tokenkeeper/fastify example as written, compile without skipLibCheck, with only the dependencies installed', { timeout: 120_000 }, async () => {
    await ensureBuilt();
    const modules = join(folder, 'node_modules');
    // A TypeScript program for Node has Node's types of its own.
    const packages = [...new Set([...installedPackages(), '@types/node'])];
    expect(packages).toContain('fastify');
    expect(packages).not.toContain('vitest');
    for (const name of packages) {
      mkdirSync(dirname(join(modules, name)), { recursive: true });
      symlinkSync(join(REPO_ROOT, 'node_modules', name), join(modules, name), 'dir');
    }
    // The package itself as npm installs it: its package.json and dist/, not its own node_modules.
    const installed = join(modules, 'tokenkeeper');
    mkdirSync(installed);
    writeFileSync(join(installed, 'package.json'), readFileSync(join(REPO_ROOT, 'package.json')));
    symlinkSync(join(REPO_ROOT, 'dist'), join(installed, 'dist'), 'dir');

    writeFileSync(join(folder, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    writeFileSync(join(folder, 'app.ts'), PROGRAM);
    writeFileSync(join(folder, 'fastify-example.ts'), pluginExample());
    writeFileSync(
      join(folder, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          // The strictest a user may be: optional properties that cannot be given undefined.
          exactOptionalPropertyTypes: true,
          skipLibCheck: false,
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          noEmit: true,
          // Resolve from where the links are, so a package found only in this repository's node_modules is not found.
          preserveSymlinks: true,
          types: ['node'],
        },
        files: ['app.ts', 'fastify-example.ts'],
      }),
    );
    const compiled = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', folder], { cwd: folder, encoding: 'utf8' });
    expect(`${compiled.stdout}${compiled.stderr}`).toBe('');
    expect(compiled.status).toBe(0);
  });
});
