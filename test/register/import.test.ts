// `registry import` in process, on the chosen backend: whole batches or nothing, and bad
// lines named.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, backend, type TestDb } from '../support/harness.ts';
import { migrate } from '../../src/db/migrate.ts';
import { systemClock } from '../../src/clock.ts';
import { importRegistryFile, ImportError } from '../../src/register/import.ts';
import { generateRegistry } from '../../src/register/generate.ts';
import { checkEid } from '../../src/register/eid.ts';
import { verifyAuditChain } from '../../src/audit/audit-log.ts';
import { jsonLines } from '../support/registry-records.ts';
import type { RegistryRecord } from '../../src/register/person.ts';

const folder = mkdtempSync(join(tmpdir(), 'hawiya-import-'));
let files = 0;
const fileWith = (lines: string) => {
  const path = join(folder, `extract-${files++}.jsonl`);
  writeFileSync(path, lines);
  return path;
};

describe(`registry import (${backend})`, function () {
  this.timeout(60_000);
  let testDb: TestDb;
  const records = [...generateRegistry({ count: 2600, seed: 42 })];
  const count = async () => Number((await testDb.db.query<{ n: string }>('SELECT count(*) AS n FROM persons')).rows[0]!.n);

  before(async () => {
    testDb = await createTestDb();
    await migrate(testDb.db);
  });

  after(async () => {
    await testDb.drop();
  });

  it('loads every person with a well-formed e-ID, in batches, each audited', async () => {
    const result = await importRegistryFile({ db: testDb.db, clock: systemClock }, fileWith(jsonLines(records.slice(0, 2500))), { batchSize: 1000 });
    assert.deepEqual(result, { imported: 2500, batches: 3 });
    assert.equal(await count(), 2500);
    const { rows } = await testDb.db.query<{ eid: string; given_name_ar: string; birth_date: string }>(
      `SELECT eid, given_name_ar, to_char(birth_date, 'YYYY-MM-DD') AS birth_date FROM persons WHERE civil_number = $1`, [records[1234]!.civilNumber],
    );
    assert.deepEqual(checkEid(rows[0]!.eid), { valid: true });
    assert.equal(rows[0]!.given_name_ar, records[1234]!.names.ar.given);
    assert.equal(rows[0]!.birth_date, records[1234]!.birthDate);
    const { rows: audits } = await testDb.db.query(`SELECT 1 FROM audit_log WHERE action = 'register.import.batch'`);
    assert.equal(audits.length, 3);
    assert.equal((await verifyAuditChain(testDb.db)).ok, true);
  });

  async function expectFailure(lines: string, pattern: RegExp, options: { batchSize?: number } = {}): Promise<ImportError> {
    const before = await count();
    const error = await importRegistryFile({ db: testDb.db, clock: systemClock }, fileWith(lines), options).then(
      () => assert.fail('expected the import to fail'),
      (err: unknown) => err,
    );
    assert.ok(error instanceof ImportError, String(error));
    assert.match(error.message, pattern);
    return Object.assign(error, { before });
  }

  it('names the line of a malformed civil number, an impossible date, bad JSON', async () => {
    const fresh = records.slice(2500, 2510);
    const broken = (patch: Partial<RegistryRecord>) => jsonLines([fresh[0], { ...fresh[1], ...patch }]);
    await expectFailure(broken({ civilNumber: '12345' }), /^line 2: civilNumber: must be 10 digits/);
    await expectFailure(broken({ civilNumber: '1234567890' }), /^line 2: civilNumber: has a wrong check digit/);
    await expectFailure(broken({ birthDate: '1999-02-29' }), /^line 2: birthDate: is not a real date/);
    await expectFailure(`${JSON.stringify(fresh[0])}\n{"civilNumber": \n`, /^line 2: not valid JSON/);
    assert.equal(await count(), 2500, 'nothing of those files was applied');
  });

  it('names both lines of a duplicate row, and a row already in the register', async () => {
    const fresh = records.slice(2510, 2520);
    await expectFailure(jsonLines([fresh[0], fresh[1], fresh[0]]), /^line 3: civilNumber: the same person as on line 1/);
    await expectFailure(jsonLines([fresh[2], records[7]]), /^line 2: civilNumber: this person is already in the register/);
    assert.equal(await count(), 2500);
  });

  it('never half-applies a batch: batches before a bad line stay, its own batch does not', async () => {
    const fresh = records.slice(2520, 2600);
    const lines = jsonLines([...fresh.slice(0, 50), { ...fresh[50], sex: 'X' }, ...fresh.slice(51)]);
    const error = await expectFailure(lines, /^line 51: sex:/, { batchSize: 20 });
    assert.equal(error.imported, 40, 'two whole batches of 20 went in');
    assert.equal(await count(), 2540);
  });
});
