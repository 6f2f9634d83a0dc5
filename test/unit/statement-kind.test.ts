import { describe, expect, it } from 'vitest';
import {
  concurrentIndexBuild,
  concurrentIndexDrop,
  runsAlone,
  transactionControl,
} from '../../src/migrations/statement-kind.js';

describe('transactionControl', () => {
  it.each([
    ['commit;', 'COMMIT'],
    ['COMMIT AND CHAIN;', 'COMMIT'],
    ['end;', 'END'],
    ['begin;', 'BEGIN'],
    ['begin isolation level serializable;', 'BEGIN'],
    ['start transaction;', 'START TRANSACTION'],
    ['rollback;', 'ROLLBACK'],
    ['abort;', 'ABORT'],
    ["prepare transaction 'x';", 'PREPARE TRANSACTION'],
    ["commit prepared 'x';", 'COMMIT PREPARED'],
    ['commit /* done */ ;', 'COMMIT'],
  ])('finds %s', (sql, control) => {
    expect(transactionControl(sql)).toBe(control);
  });

  it.each([
    'savepoint a;',
    'release savepoint a;',
    'rollback to savepoint a;',
    'rollback to a;',
    'do $$ begin perform 1; end $$;',
    'prepare p as select 1;',
    'select 1;',
    '"commit";',
  ])('leaves %s alone', (sql) => {
    expect(transactionControl(sql)).toBeUndefined();
  });
});

describe('runsAlone', () => {
  it.each([
    'create index concurrently ix on t (c);',
    'CREATE UNIQUE INDEX CONCURRENTLY ix ON t (c);',
    'drop index concurrently ix;',
    'reindex index concurrently ix;',
    'vacuum analyze t;',
    'alter table p detach partition c concurrently;',
    'call backfill();',
    'do $$ begin commit; end $$;',
    'commit;',
  ])('%s', (sql) => {
    expect(runsAlone(sql)).toBe(true);
  });

  it.each([
    'create index ix on t (c);',
    'alter table t add column c int;',
    "alter type e add value 'x';",
    'update t set c = 1;',
  ])('not %s', (sql) => {
    expect(runsAlone(sql)).toBe(false);
  });
});

describe('concurrent index statements', () => {
  it('reads the index name (folded as PostgreSQL folds it) and the table as written', () => {
    expect(concurrentIndexBuild('create index concurrently IX_Big on public.big (v);')).toEqual({
      index: 'ix_big',
      table: 'public.big',
    });
    expect(
      concurrentIndexBuild(
        'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "Ix ""q""" ON ONLY "S"."T" USING btree (v);',
      ),
    ).toEqual({
      index: 'Ix "q"',
      table: '"S"."T"',
    });
    expect(concurrentIndexBuild('create index concurrently on big (v);')).toBeUndefined();
    expect(concurrentIndexDrop('drop index concurrently if exists "public"."ix_big";')).toBe('"public"."ix_big"');
  });
});

describe('statementKind', () => {
  it("names another session's statement by its kind, never its text", async () => {
    const { statementKind } = await import('../../src/migrations/statement-kind.js');
    expect(statementKind("select 1 /* alter role app password 'x' */")).toBe('SELECT');
    expect(statementKind('  -- a comment\nalter table grid add column x int')).toBe('ALTER TABLE');
    expect(statementKind('create unique index i on t (c)')).toBe('CREATE UNIQUE INDEX');
    expect(statementKind('CREATE OR REPLACE FUNCTION f() ...')).toBe('CREATE OR REPLACE');
    expect(statementKind("DO $$ BEGIN EXECUTE 'x'; END $$")).toBe('DO');
    expect(statementKind('')).toBe('a statement');
  });
});
