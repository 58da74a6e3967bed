import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkNewPassword, PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH } from '../../src/authn/password-policy.ts';
import { translate, LOCALES } from '../../src/web/i18n.ts';
import { commonPasswords } from '../../scripts/common-passwords.ts';

const OWNER = { username: 'salma.khatib', eid: '482913570264' };

describe('password policy', () => {
  it('accepts a long password of unrelated words', () => {
    assert.equal(checkNewPassword('orange tractor whispers loudly', OWNER), undefined);
    assert.equal(checkNewPassword('شمس وقلم وبحر أزرق', OWNER), undefined);
    assert.equal(checkNewPassword('x'.repeat(PASSWORD_MIN_LENGTH - 1) + 'y', OWNER), undefined);
  });

  it('refuses an empty, short or overlong password', () => {
    assert.equal(checkNewPassword('', OWNER), 'fields.newPassword.required');
    assert.equal(checkNewPassword('    ', OWNER), 'fields.newPassword.required');
    assert.equal(checkNewPassword('short pass', OWNER), 'fields.newPassword.tooShort');
    // Spaces around do not count towards the length.
    assert.equal(checkNewPassword('   elevenchars   ', OWNER), 'fields.newPassword.tooShort');
    // Characters, not bytes: twelve Arabic letters are enough.
    assert.equal(checkNewPassword('قلمشمسبحرنهر', OWNER), undefined);
    assert.equal(checkNewPassword('a b'.repeat(342) + 'cd', OWNER), 'fields.newPassword.tooLong');
    assert.equal(checkNewPassword('z'.repeat(5 * PASSWORD_MAX_LENGTH), OWNER), 'fields.newPassword.tooLong');
  });

  it('refuses one character repeated', () => {
    assert.equal(checkNewPassword('aaaaaaaaaaaaaaa', OWNER), 'fields.newPassword.repeated');
    assert.equal(checkNewPassword('AAAAaaaaAAAAaaaa', OWNER), 'fields.newPassword.repeated');
    assert.equal(checkNewPassword('ببببببببببببب', OWNER), 'fields.newPassword.repeated');
  });

  it('refuses a password containing the username or the e-ID number, whatever the case or separators', () => {
    assert.equal(checkNewPassword('my name is Salma.Khatib ok', OWNER), 'fields.newPassword.containsUsername');
    assert.equal(checkNewPassword('id 4829 1357 0264 forever', OWNER), 'fields.newPassword.containsEid');
    assert.equal(checkNewPassword('482-913-570-264!!', OWNER), 'fields.newPassword.containsEid');
    // A username that is the e-ID itself is refused as the username.
    assert.equal(checkNewPassword('x482913570264x', { username: '482913570264' }), 'fields.newPassword.containsUsername');
  });

  it('refuses common passwords, keyboard walks and their variants, case-insensitively and trimmed', () => {
    for (const guess of [
      'Password1234', ' MOTDEPASSE123 ', 'motdepasse2024', 'Hawiya123456', 'hawiyahawiya', 'azertyuiopqsdfghjklm',
      'qwertyuiop123', '1qaz2wsx3edc', '&é"\'(-è_çà)=', 'ضصثقفغعهخحجد', ';glmhglv,v123', 'كلمةالمرور123',
      '123456789012', '123123123123', 'abcabcabcabc', 'P@ssw0rd1990', 'bismillah2001', 'Iloveyou2010', 'mar7aba12345',
    ]) {
      assert.equal(checkNewPassword(guess, OWNER), 'fields.newPassword.common', guess);
    }
  });

  it('ships the list its generator writes, every entry long enough to matter', () => {
    const file = readFileSync(join(import.meta.dirname, '..', '..', 'config', 'common-passwords.txt'), 'utf8');
    const generated = commonPasswords();
    assert.equal(file, `${generated.join('\n')}\n`, 'run node scripts/common-passwords.ts');
    assert.ok(generated.length > 3000);
    for (const entry of generated) assert.ok([...entry].length >= PASSWORD_MIN_LENGTH && entry === entry.trim().toLowerCase(), entry);
  });

  it('has a message naming the field for every failure, in each language', () => {
    const keys = ['required', 'tooShort', 'tooLong', 'repeated', 'containsUsername', 'containsEid', 'common'].map((problem) => `fields.newPassword.${problem}`);
    const field = { ar: /كلمة (ال)?مرور (ال)?جديدة/, fr: /nouveau mot de passe/i, en: /new password/i };
    for (const locale of LOCALES) {
      for (const key of keys) {
        const message = translate(locale, key);
        assert.notEqual(message, key);
        assert.match(message, field[locale], `${locale} ${key}`);
      }
    }
  });
});
