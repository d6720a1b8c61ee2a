// Case: requests/s through the service API's POST …/access-token for a valid
// token, the real app vs a bare Fastify route with the same bearer-key check
// answering a fixed JSON, and vs that route writing the audit entry the app
// writes for every token it hands out (so the audit's share and the rest of
// the app's work show apart). Each server runs in a process of its own; the
// load runs on a worker thread of this one, on keep-alive connections.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runServices } from '../src/cli/services.command.js';
import type { DevProvider } from '../src/dev-provider/index.js';
import { freePorts } from '../test/support/free-port.js';
import { startBenchProvider } from './lib/app.js';
import { caseSettings, type CaseOptions } from './lib/case-options.js';
import { startLoadWorker, type LoadOptions, type MeasuredLoad } from './lib/load.js';
import { measuredRuns } from './lib/measured-runs.js';
import { startServedApp, type ServedApp } from './lib/served-app.js';
import { startServerProcess, type ServerProcess } from './lib/server-process.js';
import { ratiosAgainst, round } from './lib/stats.js';
import type { Row } from './lib/table.js';

export const SERVICE_TOKEN_TARGET_RATIO = 0.8;

/** The three servers are measured in turn `rounds` times each. */
export type ServiceTokenOptions = CaseOptions;

/** A key with `tokens:read`, made by `tokenkeeper services create` on the served app's database, from its last line. */
async function createKey(app: ServedApp): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), 'tokenkeeper-bench-cli-'));
  let stdout = '';
  let stderr = '';
  try {
    const io = { env: app.env, cwd, stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } };
    const code = await runServices(['create', 'bench', '--permissions', 'tokens:read'], io);
    if (code !== 0) throw new Error(`services create exited ${code}: ${stderr}`);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
  return stdout.trimEnd().split('\n').at(-1)!;
}

type Described = ReturnType<typeof describe>;

function describe(runs: MeasuredLoad[]) {
  const measured = measuredRuns(runs);
  const badBody = runs.some((run) => typeof (JSON.parse(run.sampleBody || '{}') as { access_token?: unknown }).access_token !== 'string');
  return {
    ...measured,
    notes: [
      `server process CPU ${round(measured.cpuMsPerRequest, 3)} ms/req, ${measured.serverCpu} of one core`,
      `client thread busy ${measured.workerElu}`,
      `other processes ${measured.others} of the machine`,
      measured.statuses,
      ...(badBody ? ['UNEXPECTED BODY'] : []),
    ].join('; '),
  };
}

export async function serviceTokenThroughput(options: ServiceTokenOptions = {}): Promise<Row[]> {
  const { log, rounds, settle, load } = caseSettings(options, { concurrency: 32, durationMs: 3000 });
  const worker = await startLoadWorker();
  let provider: DevProvider | undefined;
  let bare: ServerProcess | undefined;
  let audited: ServerProcess | undefined;
  let tokenkeeper: ServedApp | undefined;
  const auditFolder = mkdtempSync(join(tmpdir(), 'tokenkeeper-bench-audit-'));
  try {
    provider = await startBenchProvider();
    // The limit counted but never reached: its cost is measured, not its refusals.
    tokenkeeper = await startServedApp({ provider, env: { SERVICE_RATE_LIMIT: '10000000' } });
    const key = await createKey(tokenkeeper);
    const me = (await (await fetch(`${tokenkeeper.url}/api/me`, { headers: { cookie: tokenkeeper.cookie } })).json()) as { user: { id: string } };
    const ports = await freePorts(2);
    const bareService = (name: string, env: Record<string, string>) =>
      startServerProcess({
        name,
        module: new URL(import.meta.url.endsWith('.js') ? './lib/bare-service-main.js' : './lib/bare-service-main.ts', import.meta.url),
        port: ports.shift()!,
        env: { SERVICE_KEY: key, ...env },
      });
    bare = await bareService('bare service', {});
    audited = await bareService('bare service with the audit entry', { AUDIT_DATABASE_URL: `sqlite:${join(auditFolder, 'audit.db')}` });
    const path = `/api/v1/users/${me.user.id}/connections/toolkit/access-token`;
    const request = { method: 'POST' as const, headers: { authorization: `Bearer ${key}` } };
    const sides: Array<[string, LoadOptions, ServerProcess, MeasuredLoad[]]> = [
      ['bare service', { ...load, ...request, url: `${bare.url}${path}` }, bare, []],
      ['bare service with the audit entry', { ...load, ...request, url: `${audited.url}${path}` }, audited, []],
      ['Tokenkeeper', { ...load, ...request, url: `${tokenkeeper.url}${path}` }, tokenkeeper, []],
    ];

    log('service access-token: warming up all three');
    for (let pass = 0; pass < 2; pass += 1) for (const [, run, server] of sides) await worker.run({ ...run, warmupMs: 2500, durationMs: 500 }, server);
    // Each round rotates the order, so every server runs first, second and third equally often.
    for (let turn = 1; turn <= rounds; turn += 1) {
      const order = sides.map((_, index) => sides[(index + turn) % sides.length]!);
      for (const [name, run, server, runs] of order) {
        await settle();
        log(`service access-token: round ${turn}/${rounds}, ${name}`);
        runs.push(await worker.run(run, server));
      }
    }
    const [base, withAudit, tk] = sides.map((side) => describe(side[3])) as [Described, Described, Described];
    const versus = (side: Described, baseline: Described) => {
      const { ratio, intervalText, perRound } = ratiosAgainst(side.rounds, baseline.rounds);
      return { ratio, text: `${intervalText} (per round ${perRound}); CPU/req ${round(side.cpuMsPerRequest / baseline.cpuMsPerRequest, 2)}×` };
    };
    const auditVsBase = versus(withAudit, base);
    const tkVsBase = versus(tk, base);
    const tkVsAudit = versus(tk, withAudit);
    const setup = `POST with the key, no body, ${load.concurrency} keep-alive conns, 2×3 s warm-up of each, then ${rounds}×(${load.warmupMs / 1000} s warm-up + ${load.durationMs / 1000} s) of each, order rotated every round; each server in a process of its own (Tokenkeeper: \`tokenkeeper serve\`, SQLite, LOG_LEVEL=warn)`;
    return [
      { name: 'service access-token: bare Fastify (baseline)', opsPerSec: base.summary.opsPerSec, p50Ms: base.summary.p50, p99Ms: base.summary.p99, notes: `same key check (format, SHA-256, constant-time compare), fixed JSON; ${setup}; ${base.notes}` },
      {
        name: 'service access-token: bare + audit entry',
        opsPerSec: withAudit.summary.opsPerSec,
        p50Ms: withAudit.summary.p50,
        p99Ms: withAudit.summary.p99,
        ratio: auditVsBase.ratio,
        notes: `the baseline, and before answering the audit entry Tokenkeeper writes for every token handed out, written as Tokenkeeper writes it (its audit_log table on a SQLite file of its own, its group commit); vs baseline = median of the per-round ratios; ${auditVsBase.text} baseline; ${withAudit.notes}`,
      },
      {
        name: 'service access-token: Tokenkeeper [sqlite]',
        opsPerSec: tk.summary.opsPerSec,
        p50Ms: tk.summary.p50,
        p99Ms: tk.summary.p99,
        ratio: tkVsBase.ratio,
        notes: `vs baseline = median of the per-round ratios; target ≥ ${SERVICE_TOKEN_TARGET_RATIO}×: ${tkVsBase.ratio >= SERVICE_TOKEN_TARGET_RATIO ? 'met' : 'NOT met'}; ${tkVsBase.text} baseline; vs bare + audit entry ${round(tkVsAudit.ratio, 2)}×, ${tkVsAudit.text}; each answer reads the key, the user and the token and writes an audit entry; ${tk.notes}`,
      },
    ];
  } finally {
    await tokenkeeper?.close();
    await bare?.close();
    await audited?.close();
    rmSync(auditFolder, { recursive: true, force: true });
    await provider?.close();
    await worker.close();
  }
}
