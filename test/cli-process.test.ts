// The `tokenkeeper` command as a shell runs it (bin/tokenkeeper.js, in a
// process of its own): what `--help` does for the commands without options,
// and a reader of its output that stops early.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './support/server-processes.js';

const BIN = fileURLToPath(new URL('../bin/tokenkeeper.js', import.meta.url));

describe('tokenkeeper as a process', () => {
  const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-cli-process-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('--help after serve, migrate, doctor or dev-provider shows that command\'s usage and runs nothing (no server, no ./data)', { timeout: 60_000 }, async () => {
    await ensureBuilt();
    const empty = mkdtempSync(join(folder, 'help-'));
    for (const command of ['serve', 'migrate', 'doctor', 'dev-provider']) {
      for (const flag of ['--help', '-h']) {
        const run = spawnSync(process.execPath, [BIN, command, flag], { cwd: empty, encoding: 'utf8', timeout: 20_000 });
        expect(run.status, `${command} ${flag}`).toBe(0);
        expect(run.stdout).toMatch(new RegExp(`^Usage: tokenkeeper ${command}\\n\\n  ${command} {2,}\\S`));
        expect(run.stderr).toBe('');
      }
    }
    expect(readdirSync(empty)).toEqual([]);
  });

  it('--version and version print the version of the package, and nothing else', { timeout: 60_000 }, async () => {
    await ensureBuilt();
    const { version } = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string };
    for (const argument of ['--version', 'version']) {
      const run = spawnSync(process.execPath, [BIN, argument], { cwd: folder, encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH } });
      expect(run.status, argument).toBe(0);
      expect(run.stdout).toBe(`tokenkeeper ${version}\n`);
      expect(run.stderr).toBe('');
    }
  });

  it('serve, migrate and dev-provider refuse an argument they do not take (exit 2, usage on stderr) and run nothing', { timeout: 60_000 }, async () => {
    await ensureBuilt();
    const empty = mkdtempSync(join(folder, 'extra-'));
    for (const args of [['migrate', '--dry-run'], ['migrate', 'now'], ['serve', '--port', '8080'], ['dev-provider', '--port=4999']]) {
      const run = spawnSync(process.execPath, [BIN, ...args], { cwd: empty, encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH } });
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(new RegExp(`^tokenkeeper ${args[0]}: (Unknown option|Unexpected argument)`));
      expect(run.stderr).toContain(`Usage: tokenkeeper ${args[0]}`);
    }
    expect(readdirSync(empty)).toEqual([]);
  });

  it('serve on a PORT already taken says so and exits 1, stopping the dev provider it had started', { timeout: 60_000 }, async () => {
    await ensureBuilt();
    const cwd = mkdtempSync(join(folder, 'taken-'));
    const taken = createServer(() => {});
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const devProviderPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    try {
      const env = { PATH: process.env.PATH, PORT: String((taken.address() as AddressInfo).port), DEV_PROVIDER_PORT: String(devProviderPort), LOG_LEVEL: 'warn' };
      const child = spawn(process.execPath, [BIN, 'serve'], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      const code = await Promise.race([exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 20_000))]);
      if (code === 'still running') child.kill('SIGKILL');
      expect(code).toBe(1);
      const port = (taken.address() as AddressInfo).port;
      expect(stderr).toContain(
        `tokenkeeper serve: listen EADDRINUSE: address already in use 127.0.0.1:${port}: PORT ${port} is taken (another server, or a tokenkeeper still running): stop it, or set PORT to a free port\n`,
      );
    } finally {
      taken.close();
    }
  });

  it('serve and dev-provider on a DEV_PROVIDER_PORT already taken name that variable, not just an address, and exit 1', { timeout: 60_000 }, async () => {
    await ensureBuilt();
    const cwd = mkdtempSync(join(folder, 'dev-port-taken-'));
    const taken = createServer(() => {});
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      // PORT 0: the app itself would find a free port; only the dev provider's is taken.
      const env = { PATH: process.env.PATH, PORT: '0', DEV_PROVIDER_PORT: String(port), LOG_LEVEL: 'warn' };
      for (const command of ['serve', 'dev-provider']) {
        const run = spawnSync(process.execPath, [BIN, command], { cwd, encoding: 'utf8', timeout: 20_000, env });
        expect(run.status, command).toBe(1);
        expect(run.stderr).toContain(
          `tokenkeeper ${command}: listen EADDRINUSE: address already in use 127.0.0.1:${port}: DEV_PROVIDER_PORT ${port} is taken (another server, or a tokenkeeper still running): stop it, or set DEV_PROVIDER_PORT to a free port\n`,
        );
        expect(run.stderr).not.toContain('    at ');
      }
    } finally {
      taken.close();
    }
  });

  it('dev-provider takes the app\'s callback for any name the app gives a provider at its issuer, beside toolkit, and prints each', { timeout: 60_000 }, async () => {
    await ensureBuilt();
    const cwd = mkdtempSync(join(folder, 'named-'));
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const issuer = `http://localhost:${port}`;
    const env = {
      PATH: process.env.PATH,
      DEV_PROVIDER_PORT: String(port),
      LOG_LEVEL: 'warn',
      OAUTH_PROVIDERS: 'local,elsewhere',
      LOCAL_ISSUER: issuer,
      LOCAL_CLIENT_ID: 'tokenkeeper',
      LOCAL_CLIENT_SECRET: 'tokenkeeper-dev-secret',
      ELSEWHERE_ISSUER: 'https://login.example.com',
      ELSEWHERE_CLIENT_ID: 'c',
      ELSEWHERE_CLIENT_SECRET: 's',
    };
    const child = spawn(process.execPath, [BIN, 'dev-provider'], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env });
    try {
      let stdout = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('accounts:')) resolve();
        });
        child.on('close', (code) => reject(new Error(`dev-provider exited ${code}: ${stdout}`)));
      });
      expect(stdout).toContain('redirect URI:  http://localhost:3000/auth/toolkit/callback\n                 http://localhost:3000/auth/local/callback\n');
      expect(stdout).not.toContain('elsewhere');
      // The provider takes an authorization request with the app's callback under that name: its login page, not a redirect_uri error.
      const authorize = (name: string) =>
        fetch(`${issuer}/auth?${new URLSearchParams({ client_id: 'tokenkeeper', response_type: 'code', scope: 'openid', redirect_uri: `http://localhost:3000/auth/${name}/callback`, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`, { redirect: 'manual' });
      expect((await authorize('local')).status).toBe(303);
      expect((await authorize('elsewhere')).status).toBe(400);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('output piped to a reader that stops after the first line (doctor | head -1): no EPIPE error, no stack trace', { timeout: 60_000 }, async () => {
    await ensureBuilt();
    const cwd = mkdtempSync(join(folder, 'pipe-'));
    // A provider that never answers: doctor writes its first lines, then waits a second for it before the last one,
    // which then goes to a pipe nobody reads any more.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    // Not this process's environment: Vite's BASE_URL ("/") would be read as the app's.
    const env = { PATH: process.env.PATH, OAUTH_PROVIDERS: 'slow', SLOW_ISSUER: issuer, SLOW_CLIENT_ID: 'c', SLOW_CLIENT_SECRET: 's', PROVIDER_TIMEOUT_SECONDS: '1' };
    const child = spawn(process.execPath, [BIN, 'doctor'], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // As head does: read the first line, then close the pipe.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    // 'close', not 'exit': the child's last words on stderr may still be on their way when it exits.
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    silent.close();
    expect(stderr).not.toContain('EPIPE');
    expect(stderr).not.toContain('    at ');
    expect(code).toBe(1); // doctor's own verdict: the provider check failed
  });
});
