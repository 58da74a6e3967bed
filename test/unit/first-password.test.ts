import assert from 'node:assert/strict';
import { checkNewPassword } from '../../src/authn/first-password.ts';

describe('a new password', () => {
  const person = { username: 'salma.k', eid: '123456789012' };

  it('is refused, with the key of the message that says why', () => {
    assert.equal(checkNewPassword('eleven char', person), 'fields.newPassword.too_short');
    assert.equal(checkNewPassword('x'.repeat(1025), person), 'fields.newPassword.too_long');
    assert.equal(checkNewPassword('aaaaaaaaaaaaaaaa', person), 'fields.newPassword.one_character');
    assert.equal(checkNewPassword('Password1234', person), 'fields.newPassword.common');
    assert.equal(checkNewPassword('my id 123456789012!', person), 'fields.newPassword.personal');
    assert.equal(checkNewPassword('hello SALMA.K friends', person), 'fields.newPassword.personal');
  });

  it('is accepted when long, uncommon and impersonal, counting characters, not bytes', () => {
    assert.equal(checkNewPassword('olive grove by the sea 42', person), null);
    assert.equal(checkNewPassword('شجرة زيتون قديمة', person), null);
    assert.equal(checkNewPassword('زيتون', person), 'fields.newPassword.too_short');
  });
});
