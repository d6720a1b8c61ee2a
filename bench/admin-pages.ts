// npm run bench:admin — the admin site at scale: seeds 100,000 users,
// 100,000 tokens and 1,000,000 audit entries on SQLite and on PostgreSQL,
// signs in a superuser, and times the list, search and filter pages, and the
// service API's listing of connections, through app.inject(). Prints p50/p95
// per page. Not part of `npm test`; talks to 127.0.0.1 only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Insertable, sql } from 'kysely';
import pino from 'pino';
import { loadConfig } from '../src/config/config.js';
import { createServiceKey } from '../src/core/service-keys.js';
import { newId } from '../src/db/database.js';
import { newAuditRow } from '../src/db/audit.repository.js';
import type { AuditLogTable, TokensTable, UsersTable } from '../src/db/schema.js';
import { generateEncryptionKey, parseEncryptionKeys, TokenCipher, tokenAssociatedData } from '../src/db/token-cipher.js';
import { hashPassword } from '../src/server/admin/auth/passwords.js';
import { createRuntime, type Runtime } from '../src/server/runtime.js';
import { openPostgres } from './lib/postgres.js';
import { percentile } from './lib/stats.js';

const USERS = Number(process.env.BENCH_ADMIN_USERS ?? 100_000);
const AUDIT_ENTRIES = Number(process.env.BENCH_ADMIN_AUDIT_ENTRIES ?? 1_000_000);
const REQUESTS_PER_PAGE = 40;
const BATCH = 500;
const PASSWORD = 'bench-admin-password-1';

const PAGES: Array<[string, string]> = [
  ['dashboard', '/admin'],
  ['users, first page', '/admin/users'],
  ['users, page 1000 (offset 49,950)', '/admin/users?page=1000'],
  ['users, sorted by username', '/admin/users?sort=username'],
  ['users, search "user7777"', '/admin/users?q=user7777'],
  ['users, search "user1" (11,111 matches)', '/admin/users?q=user1'],
  ['users, search by e-mail "user4242@"', '/admin/users?q=user4242%40'],
  ['users, filter staff=no, active=yes', '/admin/users?staff=no&active=yes'],
  ['tokens, first page', '/admin/tokens'],
  ['tokens, expiring within 10 min', '/admin/tokens?state=expiring'],
  ['tokens, needs re-auth', '/admin/tokens?state=needs_reauth'],
  ['tokens, search "user31337"', '/admin/tokens?q=user31337'],
  ['audit log', '/admin/audit'],
  ['audit log, page 100', '/admin/audit?page=100'],
  ['audit log, filter event=token.refreshed', '/admin/audit?event=token.refreshed'],
  ['audit log, search "token."', '/admin/audit?q=token.'],
];

const log = (line: string) => process.stderr.write(`[bench:admin] ${line}\n`);

/** Seeds the users, their tokens and the audit log; returns the id of the user with the most audit entries. */
async function seed(runtime: Runtime, key: string): Promise<string> {
  const cipher = new TokenCipher(parseEncryptionKeys(key));
  const now = Math.floor(Date.now() / 1000);
  const { db } = runtime.database;
  const started = performance.now();
  const userIds: string[] = [];
  for (let from = 0; from < USERS; from += BATCH) {
    const users: Insertable<UsersTable>[] = [];
    const tokens: Insertable<TokensTable>[] = [];
    for (let i = from; i < Math.min(USERS, from + BATCH); i += 1) {
      const userId = newId();
      userIds.push(userId);
      users.push({
        id: userId,
        username: `user${i}`,
        email: `user${i}@example.test`,
        name: `User ${i}`,
        is_token_user: 1,
        provider: 'toolkit',
        is_staff: 0,
        is_superuser: 0,
        is_active: i % 50 === 0 ? 0 : 1,
        password_hash: null,
        date_joined: now - (USERS - i) * 60,
        last_login: now - (i % 1000) * 60,
      });
      const enc = (column: 'access_token' | 'refresh_token', value: string) => cipher.encrypt(value, tokenAssociatedData(userId, 'toolkit', column));
      tokens.push({
        id: newId(),
        user_id: userId,
        provider: 'toolkit',
        token_type: 'bearer',
        scope: 'openid profile email',
        access_token: enc('access_token', `access-${i}-${'x'.repeat(32)}`),
        refresh_token: enc('refresh_token', `refresh-${i}-${'y'.repeat(32)}`),
        id_token: null,
        // Spread over the next day, some expired, a few needing re-auth.
        expires_at: now - 3600 + (i % 1440) * 60,
        status: i % 100 === 0 ? ('needs_reauth' as const) : ('active' as const),
        last_error: i % 100 === 0 ? 'invalid_grant' : null,
        created_at: now - (USERS - i) * 60,
        updated_at: now - (i % 1440) * 30,
        last_refreshed_at: i % 3 === 0 ? now - 600 : null,
      });
    }
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('users').values(users).execute();
      await trx.insertInto('tokens').values(tokens).execute();
    });
  }
  await db
    .insertInto('users')
    .values({
      id: newId(),
      username: 'admin',
      email: 'admin@example.test',
      name: 'Admin',
      is_token_user: 0,
      provider: null,
      is_staff: 1,
      is_superuser: 1,
      is_active: 1,
      password_hash: await hashPassword(PASSWORD),
      date_joined: now,
      last_login: null,
    })
    .execute();
  // As a busy service API leaves it: tokens handed out (about a user), refreshes (about a connection),
  // sign-ins (by and about a user); one user in ten entries, the others spread over everyone.
  const busyUserId = userIds[4242 % userIds.length]!;
  for (let from = 0; from < AUDIT_ENTRIES; from += BATCH) {
    const entries: Insertable<AuditLogTable>[] = [];
    for (let i = from; i < Math.min(AUDIT_ENTRIES, from + BATCH); i += 1) {
      const userId = i % 10 === 0 ? busyUserId : userIds[i % userIds.length]!;
      const kind = i % 10 < 7 ? 'service.token' : i % 10 < 9 ? 'token.refreshed' : 'sign_in';
      entries.push(
        newAuditRow(
          kind === 'token.refreshed'
            ? { event: kind, targetType: 'token', targetId: `${userId}:toolkit`, at: now }
            : { event: kind, actorUserId: kind === 'sign_in' ? userId : null, targetType: 'user', targetId: userId, at: now },
        ),
      );
    }
    await db.insertInto('audit_log').values(entries).execute();
  }
  // A bulk load leaves PostgreSQL without statistics until autovacuum gets to it (a minute or more); a database
  // that grew in use has them, and without them the planner scans whole tables for a one-row search.
  if (runtime.database.dialect === 'postgres') await sql`analyze`.execute(db);
  log(`seeded ${USERS} users, ${USERS} tokens and ${AUDIT_ENTRIES} audit entries in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return busyUserId;
}

/** The `Cookie` header a browser would send back for these `Set-Cookie` headers (name=value of each). */
function cookiesOf(setCookie: string | string[] | undefined): string {
  return (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []).map((header) => header.split(';')[0]!).join('; ');
}

async function adminCookie(runtime: Runtime): Promise<string> {
  const form = await runtime.app.inject({ method: 'GET', url: '/admin/login' });
  const cookie = cookiesOf(form.headers['set-cookie']);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const login = await runtime.app.inject({
    method: 'POST',
    url: '/admin/login',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, username: 'admin', password: PASSWORD, next: '/admin' }).toString(),
  });
  if (login.statusCode !== 303) throw new Error(`admin login failed: ${login.statusCode} ${login.body.slice(0, 200)}`);
  return cookiesOf(login.headers['set-cookie']);
}

/** What an answer shows: an admin page's count line, or how many connections a service-API page holds. */
function shownBy(url: string, body: string): string {
  if (url.startsWith('/api/v1/connections')) return `${(JSON.parse(body) as { connections: unknown[] }).connections.length} connections`;
  return /class="muted count">([^<]*)</.exec(body)?.[1] ?? (url === '/admin' ? 'counts' : '');
}

async function measure(runtime: Runtime, headers: Record<string, string>, url: string): Promise<{ p50: number; p95: number; rows: string }> {
  const latencies: number[] = [];
  let rows = '';
  for (let i = 0; i < REQUESTS_PER_PAGE + 3; i += 1) {
    const started = performance.now();
    const answer = await runtime.app.inject({ method: 'GET', url, headers });
    const elapsed = performance.now() - started;
    if (answer.statusCode !== 200) throw new Error(`${url} answered ${answer.statusCode}`);
    rows = shownBy(url, answer.body);
    if (i >= 3) latencies.push(elapsed); // the first three warm caches and the JIT
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), rows };
}

async function benchDialect(name: string, databaseUrl: string): Promise<string[]> {
  const key = generateEncryptionKey();
  const cwd = mkdtempSync(join(tmpdir(), 'tokenkeeper-bench-admin-'));
  const config = loadConfig(
    {
      BASE_URL: 'http://app.test',
      DATABASE_URL: databaseUrl,
      SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789',
      TOKEN_ENCRYPTION_KEYS: key,
      OAUTH_PROVIDERS: 'toolkit',
      TOOLKIT_ISSUER: 'http://127.0.0.1:9',
      TOOLKIT_CLIENT_ID: 'bench',
      TOOLKIT_CLIENT_SECRET: 'bench',
      LOGIN_RATE_LIMIT: '0',
    },
    cwd,
  );
  const runtime = await createRuntime({ config, logger: pino({ level: 'silent' }) });
  try {
    const busyUserId = await seed(runtime, key);
    const cookie = await adminCookie(runtime);
    const serviceKey = (await createServiceKey(runtime, { name: 'bench', permissions: ['connections:read'], providers: null }, { cli: true })).key;
    // The service API's listing, as a job pages through it: the first page, and one halfway through.
    const middle = (await runtime.database.db.selectFrom('tokens').select('id').orderBy('id').offset(Math.floor(USERS / 2)).limit(1).executeTakeFirstOrThrow()).id;
    const listings: Array<[string, string]> = [
      ['service API: connections, first page of 100', '/api/v1/connections'],
      ['service API: connections, a page halfway (cursor)', `/api/v1/connections?cursor=${middle}`],
      ['service API: connections needing re-auth, first page', '/api/v1/connections?status=needs_reauth'],
    ];
    const busyUser: Array<[string, string]> = [
      ['a user\'s page (100,000 audit entries about them or their token)', `/admin/users/${busyUserId}`],
      ['audit log, search that user\'s id', `/admin/audit?q=${busyUserId}`],
    ];
    const lines: string[] = [];
    for (const [label, url] of [...PAGES, ...busyUser, ...listings]) {
      const headers: Record<string, string> = url.startsWith('/api/v1/') ? { authorization: `Bearer ${serviceKey}` } : { cookie };
      const { p50, p95, rows } = await measure(runtime, headers, url);
      lines.push(`| ${name} | ${label} | ${p50.toFixed(1)} | ${p95.toFixed(1)} | ${rows} |`);
      log(`${name} ${label}: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
    }
    return lines;
  } finally {
    await runtime.close();
    rmSync(cwd, { recursive: true, force: true });
  }
}

const lines: string[] = [];
const sqliteDir = mkdtempSync(join(tmpdir(), 'tokenkeeper-bench-admin-db-'));
try {
  lines.push(...(await benchDialect('SQLite', `sqlite:${join(sqliteDir, 'admin.db')}`)));
} finally {
  rmSync(sqliteDir, { recursive: true, force: true });
}
const postgres = await openPostgres();
if (postgres.server) {
  const url = await postgres.server.createDatabase();
  try {
    lines.push(...(await benchDialect('PostgreSQL', url)));
  } finally {
    await postgres.server.dropDatabase(url);
    await postgres.server.close();
  }
} else {
  lines.push(`| PostgreSQL | skipped: ${postgres.reason} | | | |`);
}

console.log(`Admin pages with ${USERS.toLocaleString('en-US')} users, ${USERS.toLocaleString('en-US')} tokens and ${AUDIT_ENTRIES.toLocaleString('en-US')} audit entries, ${REQUESTS_PER_PAGE} sequential requests per page through app.inject() (Node ${process.version})\n`);
console.log('| database | page | p50 ms | p95 ms | shown |');
console.log('|---|---|---|---|---|');
for (const line of lines) console.log(line);
