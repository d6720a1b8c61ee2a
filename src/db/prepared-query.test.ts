import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestDatabase, describeEachDialect } from '../../test/support/postgres.js';
import { preparedPerDatabase, prepareQuery } from './prepared-query.js';
import { createUser } from './user.repository.js';

const NOW = 1_790_000_000;

describeEachDialect('prepareQuery', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    for (const [username, isStaff] of [['pq-ada', true], ['pq-bob', false], ['pq-cy', true]] as const) {
      await createUser(database.db, { username, isStaff, dateJoined: NOW });
    }
  });
  afterAll(() => database.close());

  const staffNamed = () =>
    prepareQuery(database.db, (param) =>
      database.db.selectFrom('users').select(['username', 'is_staff']).where('username', '=', param(0)).where('is_staff', '=', 1).orderBy('username'),
    );

  it('runs the compiled query with each call’s values, keeping the query’s own constants', async () => {
    const query = staffNamed();
    expect(await query.first(['pq-ada'])).toEqual({ username: 'pq-ada', is_staff: 1 });
    expect(await query.first(['pq-cy'])).toEqual({ username: 'pq-cy', is_staff: 1 });
    // bob exists but is not staff: the constant 1 still applies.
    expect(await query.first(['pq-bob'])).toBeUndefined();
    expect(await query.all(['nobody'])).toEqual([]);
  });

  it('puts values where their markers are, whatever order the SQL uses them in', async () => {
    const query = prepareQuery(database.db, (param) =>
      database.db
        .selectFrom('users')
        .select('username')
        .where((eb) => eb.or([eb('username', '=', param(1)), eb('username', '=', param(0))]))
        .orderBy('username'),
    );
    expect((await query.all(['pq-cy', 'pq-ada'])).map((row) => row.username)).toEqual(['pq-ada', 'pq-cy']);
  });

  it('runs inside a transaction when given one, and sees its uncommitted rows', async () => {
    const query = staffNamed();
    await database.db
      .transaction()
      .execute(async (trx) => {
        await createUser(trx, { username: 'pq-dee', isStaff: true, dateJoined: NOW });
        expect(await query.first(['pq-dee'], trx)).toEqual({ username: 'pq-dee', is_staff: 1 });
        throw new Error('roll back');
      })
      .catch(() => {});
    expect(await query.first(['pq-dee'])).toBeUndefined();
  });

  it('outside a transaction, reads what is committed: not the open transaction’s rows, then its committed ones', async () => {
    // On SQLite this read goes through the read connection; through Kysely's single connection it would wait for the transaction, which waits for it.
    const query = staffNamed();
    await database.db.transaction().execute(async (trx) => {
      await createUser(trx, { username: 'pq-eve', isStaff: true, dateJoined: NOW });
      expect(await query.first(['pq-eve'])).toBeUndefined();
    });
    expect(await query.first(['pq-eve'])).toEqual({ username: 'pq-eve', is_staff: 1 });
  });

  it('firstNow answers without a promise where the read is synchronous (a SQLite file), with a promise elsewhere, with the same row', async () => {
    const query = staffNamed();
    const now = query.firstNow(['pq-ada']);
    expect(now instanceof Promise).toBe(dialect.name !== 'sqlite');
    expect(await now).toEqual({ username: 'pq-ada', is_staff: 1 });
    expect(await query.firstNow(['pq-bob'])).toBeUndefined();
  });

  it('refuses a wrong number of values', async () => {
    await expect(staffNamed().first([])).rejects.toThrow('prepared query expects 1 values, got 0');
    await expect(staffNamed().first(['a', 'b'])).rejects.toThrow('prepared query expects 1 values, got 2');
  });

  it('refuses, when built, a marker that the SQL inlines instead of binding', () => {
    expect(() =>
      prepareQuery(database.db, (param) => database.db.selectFrom('users').select('username').where(sql.lit(param(0)), '=', 'x')),
    ).toThrow(/param\(0\) is not a parameter of/);
  });

  it('preparedPerDatabase prepares once per database and runs on the one it is given', async () => {
    let builds = 0;
    const byName = preparedPerDatabase((db: typeof database.db, param) => {
      builds += 1;
      return db.selectFrom('users').select('username').where('username', '=', param(0));
    });
    expect(byName(database.db)).toBe(byName(database.db));
    expect(await byName(database.db).first(['pq-bob'])).toEqual({ username: 'pq-bob' });
    const other = await dialect.openTestDatabase();
    try {
      expect(await byName(other.db).first(['pq-bob'])).toBeUndefined();
    } finally {
      await other.close();
    }
    expect(builds).toBe(2);
  });
});
