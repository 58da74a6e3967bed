// The register on the chosen backend: allocation under concurrency, persons' lifelong
// identifiers, and the hash-chained audit log.
import assert from 'node:assert/strict';
import { createTestDb, backend, type TestDb } from '../support/harness.ts';
import { migrate } from '../../src/db/migrate.ts';
import { allocateEids, allocateEid } from '../../src/register/allocate.ts';
import { checkEid } from '../../src/register/eid.ts';
import { systemClock } from '../../src/clock.ts';
import { appendAudit, verifyAuditChain } from '../../src/audit/audit-log.ts';
import { enterPerson } from '../../src/register/register.ts';
import { fictionalRecord } from '../support/relying-party.ts';

describe(`register store (${backend})`, function () {
  this.timeout(120_000);
  let testDb: TestDb;
  const clock = systemClock;

  before(async () => {
    testDb = await createTestDb();
    await migrate(testDb.db);
  });

  after(async () => {
    await testDb.drop();
  });

  describe('e-ID allocation', () => {
    it('gives 8 parallel allocators × 10,000 numbers: no duplicate, no gap in the record', async () => {
      // Each allocator is its own connection on PostgreSQL (one pool per node).
      const nodes = Array.from({ length: 8 }, () => testDb.reopen());
      const { rows: before } = await testDb.db.query<{ last: string }>('SELECT last FROM eid_counter');
      const start = Number(before[0]!.last);
      const allocator = async (db: typeof testDb.db) => {
        const mine: string[] = [];
        // Batches of varying size, as imports and births mix in real life.
        for (let allocated = 0; allocated < 10_000;) {
          const size = Math.min(10_000 - allocated, [1, 7, 50, 400, 900][allocated % 5]!);
          mine.push(...await db.transaction((tx) => allocateEids(tx, size, { clock })));
          allocated += size;
        }
        return mine;
      };
      const results = await Promise.all(nodes.map(allocator));
      const all = results.flat();
      assert.equal(all.length, 80_000);
      assert.equal(new Set(all).size, 80_000, 'no duplicate');
      for (const eid of all.slice(0, 500)) assert.deepEqual(checkEid(eid), { valid: true });
      const { rows } = await testDb.db.query<{ n: string; min: string; max: string }>(
        'SELECT count(*) AS n, min(seq) AS min, max(seq) AS max FROM eid_allocations WHERE seq > $1', [start],
      );
      assert.equal(Number(rows[0]!.n), 80_000);
      assert.equal(Number(rows[0]!.min), start + 1);
      assert.equal(Number(rows[0]!.max), start + 80_000, 'no gap');
    });

    it('leaves no trace of an allocation whose transaction rolls back', async () => {
      const { rows: before } = await testDb.db.query<{ n: string }>('SELECT count(*) AS n FROM eid_allocations');
      await assert.rejects(testDb.db.transaction(async (tx) => {
        await allocateEid(tx, { clock });
        throw new Error('crash in the middle');
      }));
      const { rows: after } = await testDb.db.query<{ n: string }>('SELECT count(*) AS n FROM eid_allocations');
      assert.equal(after[0]!.n, before[0]!.n);
      const { rows: seq } = await testDb.db.query<{ gaps: string }>(
        'SELECT max(seq) - count(*) AS gaps FROM eid_allocations',
      );
      assert.equal(Number(seq[0]!.gaps), 0);
    });

    it('never reuses a number: allocations cannot be deleted or changed', async () => {
      const eid = await testDb.db.transaction((tx) => allocateEid(tx, { clock }));
      await assert.rejects(testDb.db.query('DELETE FROM eid_allocations WHERE eid = $1', [eid]), /permanent/);
      await assert.rejects(testDb.db.query(`UPDATE eid_allocations SET eid = '2' WHERE eid = $1`, [eid]), /permanent/);
    });
  });

  describe('persons', () => {
    it('binds one civil number and one e-ID to one person, forever', async () => {
      const record = fictionalRecord();
      const person = await enterPerson({ db: testDb.db, clock }, record, { actor: 'test' });
      assert.deepEqual(checkEid(person.eid), { valid: true });
      assert.equal((await enterPerson({ db: testDb.db, clock }, record, { actor: 'test' })).eid, person.eid, 'entering again is idempotent');
      await assert.rejects(testDb.db.query('UPDATE persons SET eid = $2 WHERE id = $1', [person.id, '2']), /never change/);
      await assert.rejects(testDb.db.query('UPDATE persons SET civil_number = $2 WHERE id = $1', [person.id, '2']), /never change/);
      await assert.rejects(testDb.db.query('DELETE FROM persons WHERE id = $1', [person.id]), /never deleted/);
      const other = fictionalRecord();
      await assert.rejects(
        testDb.db.query(`INSERT INTO persons SELECT gen_random_uuid(), eid, $1, given_name_ar, father_name_ar, grandfather_name_ar, family_name_ar,
          given_name_lat, father_name_lat, grandfather_name_lat, family_name_lat, birth_date, birthplace, sex, nationality, locale, status,
          death_date, registry_version FROM persons WHERE id = $2`, [other.civilNumber, person.id]),
        /duplicate key|unique/i,
        'a second person cannot take the same e-ID',
      );
    });
  });

  describe('audit log', () => {
    it('chains records and names the first broken link after an edit', async () => {
      await testDb.db.transaction(async (tx) => {
        for (let i = 0; i < 5; i++) await appendAudit(tx, clock, { actor: 'test', action: 'test.step', subject: `s${i}`, details: { i, nested: { b: 2, a: 1 } } });
      });
      const verdict = await verifyAuditChain(testDb.db);
      assert.equal(verdict.ok, true);
      const { rows } = await testDb.db.query<{ seq: string }>(`SELECT seq FROM audit_log WHERE subject = 's2'`);
      const target = Number(rows[0]!.seq);
      // An attacker with write access bypasses the append-only trigger.
      await testDb.db.transaction(async (tx) => {
        await tx.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
        await tx.query(`UPDATE audit_log SET details = '{"i": 99}' WHERE seq = $1`, [target]);
        await tx.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
      });
      assert.deepEqual(await verifyAuditChain(testDb.db), { ok: false, seq: target, reason: 'its content does not match its hash' });
    });

    it('is append-only', async () => {
      await assert.rejects(testDb.db.query('DELETE FROM audit_log'), /append-only/);
    });

    it('writes the record in the same transaction as the change', async () => {
      const { rows: before } = await testDb.db.query<{ n: string }>('SELECT count(*) AS n FROM audit_log');
      await assert.rejects(testDb.db.transaction(async (tx) => {
        await appendAudit(tx, clock, { actor: 'test', action: 'test.rolled_back' });
        throw new Error('the change failed');
      }));
      const { rows: after } = await testDb.db.query<{ n: string }>('SELECT count(*) AS n FROM audit_log');
      assert.equal(after[0]!.n, before[0]!.n);
    });
  });
});
