import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileRegistry } from '../../src/register/civil-registry-file.ts';
import { generateRegistry, writeRegistryFile } from '../../src/register/generate.ts';
import { civilNumberFrom, jsonLines, sampleBirth, sampleDeath, sampleRecord } from '../support/registry-records.ts';

describe('file civil registry', () => {
  let dir: string;
  const youssef = sampleRecord();
  const fatima = sampleRecord({
    civilNumber: civilNumberFrom('987654321'),
    names: {
      ar: { given: 'فاطمة', father: 'محمد', grandfather: 'علي', family: 'الحسني' },
      lat: { given: 'Fatima', father: 'Mohamed', grandfather: 'Ali', family: 'El Hassani' },
    },
    birthDate: '1985-11-30',
    sex: 'F',
  });

  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hawiya-registry-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('looks a person up by civil number', async () => {
    const registry = createFileRegistry(write('lookup.jsonl', jsonLines([youssef, fatima])));
    assert.deepEqual(await registry.lookup(fatima.civilNumber), fatima);
    assert.equal(await registry.lookup(civilNumberFrom('555555555')), null);
  });

  it('reads the file once, on first use', async () => {
    const path = join(dir, 'later.jsonl');
    const registry = createFileRegistry(path);
    write('later.jsonl', jsonLines([youssef]));
    assert.deepEqual(await registry.lookup(youssef.civilNumber), youssef);
    write('later.jsonl', '');
    assert.deepEqual(await registry.lookup(youssef.civilNumber), youssef);
  });

  it('fills in the defaults of a sparse line', async () => {
    const { status: _status, version: _version, locale: _locale, ...sparse } = youssef;
    const registry = createFileRegistry(write('sparse.jsonl', jsonLines([sparse])));
    assert.deepEqual(await registry.lookup(youssef.civilNumber), { ...sparse, status: 'alive', version: 1, locale: 'ar' });
  });

  it('matches details typed in Arabic or in Latin script', async () => {
    const registry = createFileRegistry(write('match.jsonl', jsonLines([youssef, fatima])));
    const arabic = { civilNumber: fatima.civilNumber, givenName: 'فاطمه', familyName: 'ال حسني', birthDate: '1985-11-30' };
    const latin = { civilNumber: fatima.civilNumber, givenName: 'FATIMAH', familyName: 'Al-Hassani', birthDate: '1985-11-30' };
    assert.deepEqual(await registry.match(arabic), { matched: true, record: fatima });
    assert.deepEqual(await registry.match(latin), { matched: true, record: fatima });
  });

  it('answers an unknown number and mismatched details the same way', async () => {
    const registry = createFileRegistry(write('mismatch.jsonl', jsonLines([youssef])));
    const details = { civilNumber: youssef.civilNumber, givenName: 'Yusuf', familyName: 'Benali', birthDate: youssef.birthDate };
    const unknown = await registry.match({ ...details, civilNumber: civilNumberFrom('555555555') });
    const wrongBirthDate = await registry.match({ ...details, birthDate: '1990-04-21' });
    const wrongName = await registry.match({ ...details, givenName: 'Younes' });
    assert.deepEqual(unknown, { matched: false });
    assert.deepEqual(wrongBirthDate, unknown);
    assert.deepEqual(wrongName, unknown);
  });

  it('reports a broken line with its number and field', async () => {
    const broken = { ...fatima, names: { ...fatima.names, lat: { ...fatima.names.lat, family: '' } } };
    const path = write('broken.jsonl', `${JSON.stringify(youssef)}\n\n${JSON.stringify(broken)}\n`);
    await assert.rejects(createFileRegistry(path).lookup(youssef.civilNumber), (err: Error) => {
      assert.match(err.message, /broken\.jsonl line 3: names\.lat\.family: /);
      return true;
    });
  });

  it('reports a line that is not JSON, a wrong check digit and a repeated number', async () => {
    const notJson = write('not-json.jsonl', `${JSON.stringify(youssef)}\n{"civilNumber":\n`);
    await assert.rejects(createFileRegistry(notJson).lookup(youssef.civilNumber), /line 2: is not valid JSON/);
    const badDigit = write('bad-digit.jsonl', jsonLines([{ ...youssef, civilNumber: '1234567890' }]));
    await assert.rejects(createFileRegistry(badDigit).lookup('1234567890'), /line 1: civilNumber: has a wrong check digit/);
    const repeated = write('repeated.jsonl', jsonLines([youssef, fatima, youssef]));
    await assert.rejects(createFileRegistry(repeated).lookup(youssef.civilNumber), /line 3: civilNumber: repeats line 1/);
  });

  it('pages events after a cursor, in file order', async () => {
    const events = [sampleBirth('e1', youssef), sampleBirth('e2', fatima), sampleDeath('e3', youssef, '2024-02-01')];
    const registry = createFileRegistry(write('people.jsonl', jsonLines([youssef])), { eventsPath: write('events.jsonl', jsonLines(events)) });
    const first = await registry.events(null, 2);
    assert.deepEqual(first.events.map((event) => event.id), ['e1', 'e2']);
    assert.equal(first.cursor, 'e2');
    const second = await registry.events(first.cursor, 2);
    assert.deepEqual(second, { events: [events[2]], cursor: 'e3' });
    assert.deepEqual(await registry.events('e3', 2), { events: [], cursor: 'e3' });
    await assert.rejects(registry.events('e9', 2), /cursor e9/);
  });

  it('has no events without an events file, and reports a broken event line', async () => {
    const people = write('people-only.jsonl', jsonLines([youssef]));
    assert.deepEqual(await createFileRegistry(people).events(null, 10), { events: [], cursor: null });
    const wrongRecord = { ...sampleBirth('e2', fatima), civilNumber: youssef.civilNumber };
    const eventsPath = write('broken-events.jsonl', jsonLines([sampleBirth('e1', youssef), wrongRecord]));
    await assert.rejects(createFileRegistry(people, { eventsPath }).events(null, 10), /broken-events\.jsonl line 2: record\.civilNumber/);
  });

  it('reads a generated registry file', async () => {
    const path = join(dir, 'generated.jsonl');
    await writeRegistryFile(path, { count: 500, seed: 7 });
    const registry = createFileRegistry(path);
    for (const record of generateRegistry({ count: 500, seed: 7 })) {
      const details = { civilNumber: record.civilNumber, givenName: record.names.lat.given, familyName: record.names.ar.family, birthDate: record.birthDate };
      assert.deepEqual(await registry.match(details), { matched: true, record });
    }
  });
});
