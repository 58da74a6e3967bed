import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FAMILY_NAMES, FEMALE_GIVEN_NAMES, FIRST_BIRTH_DATE, LAST_BIRTH_DATE, MALE_GIVEN_NAMES,
  generateRegistry, seededRandom, writeRegistryFile, type NamePair,
} from '../../src/register/generate.ts';
import { luhnValid, registryRecordSchema, type RegistryRecord } from '../../src/register/person.ts';

const take = (count: number, seed: number): RegistryRecord[] => [...generateRegistry({ count, seed })];
const names = (pairs: readonly NamePair[], script: keyof NamePair) => new Set(pairs.map((pair) => pair[script]));

describe('generated civil registry', () => {
  it('is the same for the same seed and differs for another', () => {
    const first = take(1000, 42);
    assert.deepEqual(take(1000, 42), first);
    const other = take(1000, 43);
    assert.notDeepEqual(other, first);
    assert.ok(other.filter((record, i) => record.civilNumber === first[i]!.civilNumber).length < 5);
  });

  it('makes records that the registry schema accepts unchanged', () => {
    for (const record of take(2000, 1)) assert.deepEqual(registryRecordSchema.parse(record), record);
  });

  it('gives unique civil numbers with a valid check digit over 200,000 records', () => {
    const seen = new Set<string>();
    for (const { civilNumber } of generateRegistry({ count: 200_000, seed: 9 })) {
      assert.ok(!seen.has(civilNumber), `${civilNumber} repeats`);
      seen.add(civilNumber);
    }
    assert.equal(seen.size, 200_000);
    assert.ok([...seen].slice(0, 1000).every((number) => /^[1-9]\d{9}$/.test(number) && luhnValid(number)));
  });

  it('gives a given name of the person\'s sex, and fathers from the male names', () => {
    const male = { ar: names(MALE_GIVEN_NAMES, 'ar'), lat: names(MALE_GIVEN_NAMES, 'lat') };
    const female = { ar: names(FEMALE_GIVEN_NAMES, 'ar'), lat: names(FEMALE_GIVEN_NAMES, 'lat') };
    const families = names(FAMILY_NAMES, 'lat');
    const records = take(5000, 3);
    for (const { sex, names: { ar, lat } } of records) {
      const given = sex === 'M' ? male : female;
      assert.ok(given.ar.has(ar.given) && given.lat.has(lat.given), `${lat.given} is not a ${sex} name`);
      assert.ok(male.lat.has(lat.father) && male.lat.has(lat.grandfather));
      assert.ok(families.has(lat.family));
    }
    const women = records.filter((record) => record.sex === 'F').length;
    assert.ok(women > 2300 && women < 2700, `${women} women in 5000`);
  });

  it('keeps each Latin name the transliteration of its Arabic name', () => {
    const latinOf = (pairs: readonly NamePair[]) => new Map(pairs.map((pair) => [pair.ar, pair.lat]));
    const given = latinOf([...MALE_GIVEN_NAMES, ...FEMALE_GIVEN_NAMES]);
    const family = latinOf(FAMILY_NAMES);
    for (const { names: { ar, lat } } of take(1000, 5)) {
      assert.equal(given.get(ar.given), lat.given);
      assert.equal(given.get(ar.father), lat.father);
      assert.equal(family.get(ar.family), lat.family);
    }
  });

  it('has lists of the planned size without repeats', () => {
    assert.ok(MALE_GIVEN_NAMES.length >= 60 && FEMALE_GIVEN_NAMES.length >= 60 && FAMILY_NAMES.length >= 80);
    for (const list of [MALE_GIVEN_NAMES, FEMALE_GIVEN_NAMES, FAMILY_NAMES]) {
      assert.equal(names(list, 'ar').size, list.length);
      assert.equal(names(list, 'lat').size, list.length);
    }
  });

  it('keeps dates in range, and about 1% deceased, each dying after birth', () => {
    const records = take(20_000, 11);
    const deceased = records.filter((record) => record.status === 'deceased');
    assert.ok(deceased.length > 120 && deceased.length < 280, `${deceased.length} deceased in 20000`);
    for (const record of records) {
      assert.ok(record.birthDate >= FIRST_BIRTH_DATE && record.birthDate <= LAST_BIRTH_DATE, record.birthDate);
      assert.equal(record.deathDate !== undefined, record.status === 'deceased');
      if (record.deathDate) assert.ok(record.deathDate > record.birthDate && record.deathDate <= LAST_BIRTH_DATE);
      assert.equal(record.nationality, 'HWY');
    }
    const years = new Set(records.map((record) => record.birthDate.slice(0, 4)));
    assert.equal(years.size, 2025 - 1930 + 1);
  });

  it('draws numbers in [0, 1) from its seed', () => {
    const random = seededRandom(123);
    const draws = Array.from({ length: 10_000 }, random);
    assert.ok(draws.every((draw) => draw >= 0 && draw < 1));
    assert.deepEqual(Array.from({ length: 10_000 }, seededRandom(123)), draws);
    const mean = draws.reduce((sum, draw) => sum + draw, 0) / draws.length;
    assert.ok(Math.abs(mean - 0.5) < 0.02);
  });

  it('writes the same records as JSON lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hawiya-generate-'));
    try {
      const path = join(dir, 'registry.jsonl');
      await writeRegistryFile(path, { count: 2500, seed: 42 });
      const lines = readFileSync(path, 'utf8').split('\n');
      assert.equal(lines.pop(), '');
      assert.deepEqual(lines.map((line) => JSON.parse(line) as unknown), take(2500, 42));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a count it cannot make unique', () => {
    assert.throws(() => take(900_000_001, 1), RangeError);
    assert.throws(() => take(-1, 1), RangeError);
  });
});
