import { type Kysely, type Migration, sql } from 'kysely';

// Frozen in time (2026-12-05): users.email_verified says something of the
// address in users.email only. A version from before that column existed
// (still running during a rolling upgrade, where it goes on serving on the
// migrated database) sets a user's new address at sign-in and leaves the
// flag alone, so the flag the newer version stored for the previous address
// (true, say) would then be read as said of the new one. This trigger forgets
// the flag (null, "not said") whenever an UPDATE changes the address without
// changing the flag; the application sets a changed address and its flag in
// two statements (see updateUserProfile), so its own writes keep theirs.
//
// SQLite: an AFTER UPDATE OF trigger, which fires only when the UPDATE names
// the column (https://www.sqlite.org/lang_createtrigger.html). PostgreSQL: a
// BEFORE UPDATE OF row trigger that changes NEW
// (https://www.postgresql.org/docs/current/sql-createtrigger.html). The
// function is created or replaced: a dump from before this migration restored
// over the database with pg_restore --clean drops the table, and the trigger
// with it, but leaves the function, which the next upgrade meets again.

const NAME = 'users_email_verified_follows_email';

export function emailVerifiedFollowsEmail(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      if (dialect === 'sqlite') {
        await sql`create trigger ${sql.raw(NAME)} after update of email on users for each row
          when new.email is not old.email and new.email_verified is old.email_verified and new.email_verified is not null
          begin update users set email_verified = null where id = new.id; end`.execute(db);
        return;
      }
      await sql`create or replace function ${sql.raw(NAME)}() returns trigger language plpgsql as $$
        begin
          if new.email is distinct from old.email and new.email_verified is not distinct from old.email_verified then
            new.email_verified := null;
          end if;
          return new;
        end $$`.execute(db);
      await sql`create trigger ${sql.raw(NAME)} before update of email on users for each row execute function ${sql.raw(NAME)}()`.execute(db);
    },
    async down(db: Kysely<any>): Promise<void> {
      if (dialect === 'sqlite') {
        await sql`drop trigger ${sql.raw(NAME)}`.execute(db);
        return;
      }
      await sql`drop trigger ${sql.raw(NAME)} on users`.execute(db);
      await sql`drop function ${sql.raw(NAME)}()`.execute(db);
    },
  };
}
