// A real nginx (Debian's nginx-light) in front of a test server, as a
// provider's API often sits behind one:
//
//   const nginx = await startNginx(`location / { proxy_pass ${api.origin}; }`);
//   … requests to nginx.origin …
//   await nginx.close();
//
// It runs in the foreground as one process (no daemon, no workers), with its
// config, logs and temp files in a fresh temporary folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'vitest';
import { freePort } from './free-port.js';

/** NGINX_PATH when set, else Debian's /usr/sbin/nginx. */
export function nginxPath(): string {
  return process.env.NGINX_PATH || '/usr/sbin/nginx';
}

export function nginxAvailable(): boolean {
  try {
    accessSync(nginxPath(), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `describe` that needs nginx: skipped without it, failing when CI=true (.ci/run installs nginx-light). */
export function describeWithNginx(title: string, body: () => void): void {
  if (nginxAvailable()) return void describe(title, body);
  if (process.env.CI === 'true') {
    return void describe(title, () => {
      it('needs nginx', () => {
        throw new Error(`nginx is required in CI: ${nginxPath()} is missing (apt-get install nginx-light, or set NGINX_PATH)`);
      });
    });
  }
  describe.skip(title, body);
}

export interface Nginx {
  /** http://127.0.0.1:<port> */
  origin: string;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const ATTEMPTS = 3;

function config(dir: string, port: number, serverBody: string): string {
  const temp = (name: string) => `${name}_temp_path ${join(dir, name)};`;
  return `daemon off;
master_process off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 64; }
http {
  access_log off;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  server {
    listen 127.0.0.1:${port};
    ${serverBody}
  }
}
`;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts nginx with `serverBody` (locations…) inside its one `server` block, on a free port. */
export async function startNginx(serverBody: string): Promise<Nginx> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(serverBody, await freePort());
    } catch (error) {
      if (!/Address already in use/.test(String(error)) || attempt >= ATTEMPTS) throw error;
    }
  }
}

async function startOnce(serverBody: string, port: number): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'tokenkeeper-nginx-'));
  const confFile = join(dir, 'nginx.conf');
  const errorLog = join(dir, 'error.log');
  writeFileSync(confFile, config(dir, port, serverBody));
  const child: ChildProcess = spawn(nginxPath(), ['-p', `${dir}/`, '-c', confFile, '-e', errorLog], { stdio: 'ignore' });
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    });
    child.once('error', () => {
      exitCode = -1;
      resolve();
    });
  });
  const close = async () => {
    if (exitCode === undefined) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const log = () => {
    try {
      return readFileSync(errorLog, 'utf8');
    } catch {
      return '';
    }
  };
  // Ready once it accepts a connection; a start that fails (a taken port) ends the process with its reason in the log.
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await accepts(port))) {
    if (exitCode !== undefined || Date.now() > deadline) {
      const reason = exitCode !== undefined ? `exited with ${exitCode}` : 'did not listen in time';
      const text = log();
      await close();
      throw new Error(`nginx ${reason}: ${text}`);
    }
    await delay(20);
  }
  return { origin: `http://127.0.0.1:${port}`, close };
}
