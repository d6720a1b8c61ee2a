import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { createAdapterFactory, ProviderStateStore, STATE_FILE_NAME } from './file-adapter.js';

describe('ProviderStateStore adapter', () => {
  let dataDir: string;
  let file: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dev-provider-store-'));
    file = join(dataDir, STATE_FILE_NAME);
  });

  afterEach(async () => {
    vi.useRealTimers();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('finds what was upserted, as a copy', async () => {
    const adapter = createAdapterFactory(ProviderStateStore.inMemory())('AccessToken');
    const payload = { grantId: 'g1', accountId: 'a1' };
    await adapter.upsert('t1', payload, 60);
    payload.accountId = 'changed';

    const found = await adapter.find('t1');
    expect(found).toEqual({ grantId: 'g1', accountId: 'a1' });
    found!.accountId = 'changed again';
    expect(await adapter.find('t1')).toEqual({ grantId: 'g1', accountId: 'a1' });
    expect(await adapter.find('missing')).toBeUndefined();
  });

  it('keeps models apart', async () => {
    const adapters = createAdapterFactory(ProviderStateStore.inMemory());
    await adapters('AccessToken').upsert('same-id', { kind: 'AccessToken' }, 60);
    await adapters('RefreshToken').upsert('same-id', { kind: 'RefreshToken' }, 60);
    expect(await adapters('AccessToken').find('same-id')).toEqual({ kind: 'AccessToken' });
    expect(await adapters('RefreshToken').find('same-id')).toEqual({ kind: 'RefreshToken' });
  });

  it('forgets an entry once its expiresIn has passed, keeps one without', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z'), toFake: ['Date'] });
    const adapter = createAdapterFactory(ProviderStateStore.inMemory())('Session');
    await adapter.upsert('short', { uid: 'u1' }, 10);
    await adapter.upsert('forever', { uid: 'u2' }, undefined);

    vi.setSystemTime(new Date('2026-01-01T00:00:09Z'));
    expect(await adapter.find('short')).toEqual({ uid: 'u1' });
    vi.setSystemTime(new Date('2026-01-01T00:00:10Z'));
    expect(await adapter.find('short')).toBeUndefined();
    expect(await adapter.findByUid('u1')).toBeUndefined();
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    expect(await adapter.find('forever')).toEqual({ uid: 'u2' });
  });

  it('finds sessions by uid and device codes by user code', async () => {
    const adapters = createAdapterFactory(ProviderStateStore.inMemory());
    await adapters('Session').upsert('s1', { uid: 'uid-1', accountId: 'a' }, 60);
    await adapters('DeviceCode').upsert('d1', { userCode: 'ABCD-EFGH' }, 60);
    expect(await adapters('Session').findByUid('uid-1')).toEqual({ uid: 'uid-1', accountId: 'a' });
    expect(await adapters('Session').findByUid('uid-2')).toBeUndefined();
    expect(await adapters('DeviceCode').findByUserCode('ABCD-EFGH')).toEqual({ userCode: 'ABCD-EFGH' });
  });

  it('finds by the current uid only, after an upsert changed it or a destroy', async () => {
    const adapter = createAdapterFactory(ProviderStateStore.inMemory())('Session');
    await adapter.upsert('s1', { uid: 'old' }, 60);
    await adapter.upsert('s1', { uid: 'new' }, 60);
    expect(await adapter.findByUid('old')).toBeUndefined();
    expect(await adapter.findByUid('new')).toEqual({ uid: 'new' });
    await adapter.destroy('s1');
    expect(await adapter.findByUid('new')).toBeUndefined();
  });

  it('finds by uid after a reload from the file', async () => {
    await createAdapterFactory(await ProviderStateStore.fromFile(file))('Session').upsert('s1', { uid: 'u1' }, 60);
    const reloaded = createAdapterFactory(await ProviderStateStore.fromFile(file))('Session');
    expect(await reloaded.findByUid('u1')).toEqual({ uid: 'u1' });
  });

  it('marks an entry consumed with the time in seconds, and destroys it', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z'), toFake: ['Date'] });
    const adapter = createAdapterFactory(ProviderStateStore.inMemory())('RefreshToken');
    await adapter.upsert('r1', { grantId: 'g' }, 60);
    await adapter.consume('r1');
    expect(await adapter.find('r1')).toEqual({ grantId: 'g', consumed: Date.parse('2026-01-01T00:00:00Z') / 1000 });
    await adapter.destroy('r1');
    expect(await adapter.find('r1')).toBeUndefined();
  });

  it("revokes by grant id only that grant's tokens", async () => {
    const adapters = createAdapterFactory(ProviderStateStore.inMemory());
    await adapters('AccessToken').upsert('a1', { grantId: 'g1' }, 60);
    await adapters('AccessToken').upsert('a2', { grantId: 'g2' }, 60);
    await adapters('RefreshToken').upsert('r1', { grantId: 'g1' }, 60);

    await adapters('AccessToken').revokeByGrantId('g1');
    expect(await adapters('AccessToken').find('a1')).toBeUndefined();
    expect(await adapters('AccessToken').find('a2')).toEqual({ grantId: 'g2' });
    // Each model's adapter is asked separately; this one was not yet.
    expect(await adapters('RefreshToken').find('r1')).toEqual({ grantId: 'g1' });
    await adapters('RefreshToken').revokeByGrantId('g1');
    expect(await adapters('RefreshToken').find('r1')).toBeUndefined();
  });

  it('persists every change before the call resolves, and loads it back', async () => {
    const store = await ProviderStateStore.fromFile(file);
    const adapters = createAdapterFactory(store);
    await adapters('RefreshToken').upsert('r1', { grantId: 'g1' }, 3600);
    await adapters('RefreshToken').upsert('r2', { grantId: 'g2' }, 3600);
    await adapters('RefreshToken').consume('r1');
    await adapters('RefreshToken').destroy('r2');
    await adapters('Grant').upsert('g1', { accountId: 'a' }, undefined);

    const reloaded = createAdapterFactory(await ProviderStateStore.fromFile(file));
    expect(await reloaded('RefreshToken').find('r1')).toMatchObject({ grantId: 'g1', consumed: expect.any(Number) });
    expect(await reloaded('RefreshToken').find('r2')).toBeUndefined();
    expect(await reloaded('Grant').find('g1')).toEqual({ accountId: 'a' });
  });

  it('saves many concurrent changes without losing one', async () => {
    const store = await ProviderStateStore.fromFile(file);
    const adapter = createAdapterFactory(store)('AccessToken');
    await Promise.all(Array.from({ length: 50 }, (_, i) => adapter.upsert(`t${i}`, { n: i }, 3600)));

    const reloaded = await ProviderStateStore.fromFile(file);
    expect(reloaded.count('AccessToken')).toBe(50);
  });

  it('does not load entries that expired while the provider was down', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z'), toFake: ['Date'] });
    const adapter = createAdapterFactory(await ProviderStateStore.fromFile(file))('AuthorizationCode');
    await adapter.upsert('c1', { grantId: 'g' }, 60);
    vi.setSystemTime(new Date('2026-01-01T00:01:01Z'));
    const reloaded = await ProviderStateStore.fromFile(file);
    expect(reloaded.count('AuthorizationCode')).toBe(0);
  });

  it('refuses a damaged state file, naming it', async () => {
    await writeFile(file, 'not json');
    await expect(ProviderStateStore.fromFile(file)).rejects.toThrow(STATE_FILE_NAME);
    await writeFile(file, JSON.stringify({ version: 99, models: {} }));
    await expect(ProviderStateStore.fromFile(file)).rejects.toThrow(/not a version 1 state file/);
  });

  it('writes no file when nothing changed', async () => {
    const store = await ProviderStateStore.fromFile(file);
    await store.flush();
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
