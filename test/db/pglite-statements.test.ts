// PGlite queries as named prepared statements: the same rows and counts as PGlite's own
// query, the same errors, and nothing left broken by a failure. And PGlite's upkeep.
import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import { createStatementRunner, type StatementRunner } from '../../src/db/pglite-statements.ts';
import { createDb, isUniqueViolation, type Db } from '../../src/db/db.ts';
import { migrate } from '../../src/db/migrate.ts';
import { vacuumChurningTables } from '../../src/db/maintenance.ts';

describe('PGlite prepared statements', () => {
  let lite: PGlite;
  let runner: StatementRunner;

  before(async () => {
    lite = new PGlite();
    await lite.waitReady;
    runner = createStatementRunner(lite);
    await lite.exec(`CREATE TABLE sample (
      id text PRIMARY KEY, n int, big bigint, amount numeric(12,2), flag boolean, at timestamptz, day date,
      doc jsonb, tags text[], blob bytea, ref uuid)`);
  });

  after(async () => {
    await lite.close();
  });

  const run = (sql: string, params: unknown[] = []) => lite.runExclusive(() => runner.run(sql, params, { inTransaction: false }));

  it('stores and reads every kind of value as PGlite itself does', async () => {
    const values = [
      ['a', 1, 9007199254740993n, '12.50', true, new Date('2026-11-22T07:00:00.123Z'), '2026-11-22',
        { name: 'ليلى', nested: [1, 'two', null] }, ['x', 'with "quotes"', 'back\\slash', 'comma,brace}', null], Buffer.from([0, 1, 254, 255]),
        '0f8fad5b-d9cb-469f-a165-70867728950e'],
      ['b', null, null, null, false, null, null, null, [], new Uint8Array([7]), null],
    ];
    for (const row of values) {
      await run('INSERT INTO sample VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)', row);
    }
    const sql = 'SELECT *, $1::text AS label, array_length(tags, 1) AS tag_count FROM sample WHERE id = ANY($2) ORDER BY id';
    const params = ['جواز', ['a', 'b']];
    const ours = await run(sql, params);
    const theirs = await lite.query(sql, params);
    assert.deepEqual(ours.rows, theirs.rows);
    assert.equal(ours.rows.length, 2);
    assert.deepEqual((ours.rows[0] as { tags: unknown }).tags, ['x', 'with "quotes"', 'back\\slash', 'comma,brace}', null]);
    assert.deepEqual((ours.rows[0] as { doc: unknown }).doc, { name: 'ليلى', nested: [1, 'two', null] });
  });

  it('counts the rows a statement touched, and the rows a query returned', async () => {
    assert.equal((await run(`INSERT INTO sample (id) SELECT 'c' || g FROM generate_series(1, 3) g`)).rowCount, 3);
    assert.equal((await run(`UPDATE sample SET n = 5 WHERE id LIKE 'c%'`)).rowCount, 3);
    assert.equal((await run(`SELECT id FROM sample WHERE n = $1`, [5])).rowCount, 3);
    assert.equal((await run(`DELETE FROM sample WHERE id LIKE 'c%'`)).rowCount, 3);
    assert.equal((await run(`DELETE FROM sample WHERE id = 'nobody'`)).rowCount, 0);
  });

  it('reports errors with their SQLSTATE, and the statement works once the input is right', async () => {
    const insert = 'INSERT INTO sample (id, ref) VALUES ($1, $2)';
    await assert.rejects(run(insert, ['a', null]), (err) => isUniqueViolation(err, 'sample_pkey'));
    await assert.rejects(run(insert, ['d', 'not a uuid']), (err: { code?: string }) => err.code === '22P02');
    assert.equal((await run(insert, ['d', '0f8fad5b-d9cb-469f-a165-70867728950e'])).rowCount, 1);
    await assert.rejects(run('SELEC broken', []), (err: { code?: string }) => err.code === '42601');
    assert.equal((await run('SELECT count(*)::int AS n FROM sample')).rows[0]!.n, 3);
  });

  it('prepares a statement anew when a table it reads changes shape', async () => {
    const sql = `SELECT * FROM sample WHERE id = $1`;
    assert.equal((await run(sql, ['d'])).rows.length, 1);
    await lite.exec('ALTER TABLE sample ADD COLUMN note text');
    const [row] = (await run(sql, ['d'])).rows as Array<{ note: unknown }>;
    assert.ok(row && 'note' in row);
  });

  it('reports a changed table inside a transaction as it is, and prepares the statement anew after', async () => {
    const sql = 'SELECT * FROM sample WHERE id = $1';
    assert.equal((await run(sql, ['d'])).rows.length, 1);
    await assert.rejects(lite.transaction(async (tx) => {
      await tx.exec('ALTER TABLE sample ADD COLUMN other text');
      await lite._runExclusiveQuery(() => runner.run(sql, ['d'], { inTransaction: true }));
    }), (err: { code?: string }) => err.code === '0A000');
    assert.equal((await run(sql, ['d'])).rows.length, 1);
  });

  it('takes up to 65,535 parameters, as PostgreSQL does', async () => {
    const count = 40_000;
    const placeholders = Array.from({ length: count }, (_, i) => `$${i + 1}`).join(',');
    const { rows } = await run(`SELECT array_length(ARRAY[${placeholders}]::int[], 1) AS n`, Array.from({ length: count }, (_, i) => i));
    assert.equal(rows[0]!.n, count);
  });

  it('keeps working past the number of statements it holds, closing the oldest', async () => {
    for (let i = 0; i < 520; i++) {
      const { rows } = await run(`SELECT $1::int + ${i} AS n`, [1]);
      assert.equal(rows[0]!.n, i + 1);
    }
    const { rows } = await lite.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_prepared_statements`);
    assert.ok(rows[0]!.n <= 501, `${rows[0]!.n} statements prepared`);
    assert.equal((await run('SELECT $1::int + 0 AS n', [41])).rows[0]!.n, 41);
  });
});

describe('PGlite Db: statements and transactions', () => {
  let db: Db;

  before(async () => {
    db = createDb({ dataDir: 'memory' });
    await db.exec('CREATE TABLE ledger (id int PRIMARY KEY, amount int NOT NULL)');
  });

  after(async () => {
    await db.close();
  });

  it('rolls a failed transaction back whole, and its statements still serve later ones', async () => {
    const insert = 'INSERT INTO ledger (id, amount) VALUES ($1, $2)';
    await assert.rejects(db.transaction(async (tx) => {
      await tx.query(insert, [1, 10]);
      await tx.query(insert, [1, 20]);
    }), (err) => isUniqueViolation(err));
    assert.equal((await db.query('SELECT * FROM ledger')).rows.length, 0);
    await db.transaction(async (tx) => {
      await tx.query(insert, [1, 10]);
      await tx.query(insert, [2, 20]);
    });
    assert.deepEqual((await db.query('SELECT id, amount FROM ledger ORDER BY id')).rows, [{ id: 1, amount: 10 }, { id: 2, amount: 20 }]);
  });

  it('parses statements anew after a schema change, inside a transaction too', async () => {
    const sql = 'SELECT * FROM ledger WHERE id = $1';
    assert.deepEqual(Object.keys((await db.query(sql, [1])).rows[0]!), ['id', 'amount']);
    await db.exec('ALTER TABLE ledger ADD COLUMN memo text');
    const row = await db.transaction(async (tx) => (await tx.query(sql, [1])).rows[0]!);
    assert.deepEqual(Object.keys(row), ['id', 'amount', 'memo']);
  });

  it('makes a query outside wait for an open transaction, never run inside it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const transaction = db.transaction(async (tx) => {
      await tx.query('UPDATE ledger SET amount = amount + 1');
      await held;
      throw new Error('roll back');
    });
    const outside = db.query<{ total: number }>('SELECT sum(amount)::int AS total FROM ledger');
    setTimeout(release, 20);
    await assert.rejects(transaction, /roll back/);
    assert.equal((await outside).rows[0]!.total, 30);
  });

  it('refuses queries once closed, saying so', async () => {
    const closing = createDb({ dataDir: 'memory' });
    await closing.query('SELECT 1');
    await closing.close();
    await assert.rejects(closing.query('SELECT 1'), /closed/i);
  });
});

describe('PGlite upkeep', () => {
  let db: Db;

  before(async () => {
    db = createDb({ dataDir: 'memory' });
    await migrate(db);
  });

  after(async () => {
    await db.close();
  });

  const deadTuples = async () => {
    await db.query('SELECT pg_stat_force_next_flush()');
    return (await db.query<{ n: number }>(`SELECT n_dead_tup::int AS n FROM pg_stat_user_tables WHERE relname = 'oidc_model'`)).rows[0]!.n;
  };
  const pages = async () => (await db.query<{ n: number }>(`SELECT (pg_relation_size('oidc_model') / current_setting('block_size')::int)::int AS n`)).rows[0]!.n;

  it('vacuums the tables the provider rewrites, which no autovacuum worker would', async () => {
    for (let i = 0; i < 50; i++) {
      await db.query(`INSERT INTO oidc_model (model, id, payload) VALUES ('Session', $1, '{}')`, [`s${i}`]);
      await db.query(`UPDATE oidc_model SET payload = '{"touched":true}' WHERE model = 'Session' AND id = $1`, [`s${i}`]);
    }
    await db.query(`DELETE FROM oidc_model WHERE model = 'Session'`);
    assert.ok(await deadTuples() >= 50, 'deleted and updated rows stay as dead tuples');
    assert.ok(await pages() > 0);
    await vacuumChurningTables(db);
    assert.equal(await deadTuples(), 0);
    assert.equal(await pages(), 0, 'the emptied pages are given back');
  });
});
