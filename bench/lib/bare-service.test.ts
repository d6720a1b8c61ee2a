import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { FIXED_TOKEN_ANSWER, startBareService, type BareService } from './bare-service.js';

const KEY = `tks_${'0123456789ABCDEFGHJKMNPQRS'}_${'a'.repeat(43)}`;
const OTHER_KEY = `tks_${'0123456789ABCDEFGHJKMNPQRS'}_${'b'.repeat(43)}`;

describe('the service baseline that also writes the audit entry', () => {
  let folder: string;
  let service: BareService;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-bare-service-'));
    service = await startBareService(KEY, 0, `sqlite:${join(folder, 'audit.db')}`);
  });
  afterAll(async () => {
    await service?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const call = (key: string, userId: string) =>
    fetch(`${service.url}/api/v1/users/${userId}/connections/github/access-token`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });

  it('answers every accepted call once its audit entry is committed, and writes none for a refused key', async () => {
    const answers = await Promise.all(['u1', 'u2', 'u3'].map((userId) => call(KEY, userId)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(await answers[0]!.json()).toEqual(FIXED_TOKEN_ANSWER);
    expect((await call(OTHER_KEY, 'u4')).status).toBe(401);

    // Another connection sees the entries: they were committed before the answers left.
    const database = await openDatabase(`sqlite:${join(folder, 'audit.db')}`);
    try {
      const rows = await database.db.selectFrom('audit_log').selectAll().orderBy('target_id').execute();
      expect(rows.map((row) => [row.event, row.target_type, row.target_id])).toEqual([
        ['service.token_issued', 'user', 'u1'],
        ['service.token_issued', 'user', 'u2'],
        ['service.token_issued', 'user', 'u3'],
      ]);
      expect(JSON.parse(rows[0]!.detail!)).toEqual({ service: 'bench', service_key_id: '0123456789ABCDEFGHJKMNPQRS', provider: 'github', expires_at: FIXED_TOKEN_ANSWER.expires_at });
    } finally {
      await database.close();
    }
  });
});
