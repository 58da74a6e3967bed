import assert from 'node:assert/strict';
import { verhoeffCheckDigit, verhoeffValid, checkEid, filterViolation, generateEid, EID_FILTERS } from '../../src/register/eid.ts';

describe('e-ID numbers', () => {
  it('computes the Verhoeff check digit of the known vectors', () => {
    assert.equal(verhoeffCheckDigit('236'), '3');
    assert.equal(verhoeffCheckDigit('75872'), '2');
    assert.equal(verhoeffCheckDigit('12345'), '1');
    assert.equal(verhoeffCheckDigit('142857'), '0');
    assert.ok(verhoeffValid('2363'));
    assert.ok(!verhoeffValid('2364'));
  });

  it('catches every single-digit error and every adjacent transposition', () => {
    const number = generateEid();
    for (let i = 0; i < number.length; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === number[i]) continue;
        assert.ok(!verhoeffValid(number.slice(0, i) + d + number.slice(i + 1)), `substitution at ${i}`);
      }
      if (i + 1 < number.length && number[i] !== number[i + 1]) {
        assert.ok(!verhoeffValid(number.slice(0, i) + number[i + 1] + number[i] + number.slice(i + 2)), `transposition at ${i}`);
      }
    }
  });

  describe('MOSIP filters, each on its own', () => {
    // [rule, a number it refuses, a number it lets through]
    const cases: Array<[keyof typeof EID_FILTERS, string, string, string]> = [
      ['sequentialRun', 'no 3-digit ascending run', '29351234', '29351243'],
      ['sequentialRun', 'no 3-digit descending run', '29357654', '29357645'],
      ['repeatedDigit', 'no 11', '29351193', '29351903'],
      ['repeatedDigit', 'no 1x1', '29351813', '29351830'],
      ['repeatedBlock', 'no block of two or more digits that repeats', '2935704935', '2935704953'],
      ['evenTriple', 'no [2468]{3}', '3928461', '3928361'],
      ['mirroredEnds', 'the first five digits are not the last five', '3927058139270', '3927058139207'],
      ['mirroredEnds', 'the first five digits are not the last five reversed', '3927058107293', '3927058107239'],
      ['restricted', 'no 786', '39786051', '39768051'],
      ['restricted', 'no 666', '39666051', '39656051'],
      ['leadingZeroOrOne', 'no leading 0', '03927051', '93927051'],
      ['leadingZeroOrOne', 'no leading 1', '13927051', '33927051'],
      ['cyclic', 'no cyclic number such as 142857', '30142857', '30142875'],
      ['cyclic', 'no rotation of 142857', '30285714', '30285741'],
    ];
    for (const [rule, title, refused, allowed] of cases) {
      it(title, () => {
        const [, breaks] = EID_FILTERS[rule];
        assert.equal(breaks(refused), true, `${refused} breaks ${rule}`);
        assert.equal(breaks(allowed), false, `${allowed} passes ${rule}`);
      });
    }

    it('names the rule a number breaks', () => {
      assert.match(filterViolation('30142857') ?? '', /./);
      assert.equal(filterViolation('2935704953'.slice(0, 8)), null);
    });
  });

  it('generates 12-digit numbers that pass every filter and check digit', () => {
    for (let i = 0; i < 2000; i++) {
      const eid = generateEid();
      assert.equal(eid.length, 12);
      assert.deepEqual(checkEid(eid), { valid: true }, eid);
    }
  });

  it('honours a configured length', () => {
    const eid = generateEid(16);
    assert.equal(eid.length, 16);
    assert.deepEqual(checkEid(eid, 16), { valid: true });
  });

  it('says why a number is not well formed', () => {
    const eid = generateEid();
    const wrongCheck = eid.slice(0, 11) + String((Number(eid[11]) + 1) % 10);
    assert.deepEqual(checkEid(wrongCheck), { valid: false, reason: 'the check digit is wrong' });
    assert.deepEqual(checkEid('12ab'), { valid: false, reason: 'must contain digits only' });
    assert.deepEqual(checkEid('2363'), { valid: false, reason: 'must be 12 digits' });
  });
});
