import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSealedBox, loadKek } from '../../src/crypto/sealed-box.ts';

describe('sealed box (AES-256-GCM under the KEK)', () => {
  const box = createSealedBox(randomBytes(32));

  it('opens what it sealed, for the same context only', () => {
    const sealed = box.seal(Buffer.from('secret'), 'key:a');
    assert.equal(box.open(sealed, 'key:a').toString(), 'secret');
    assert.throws(() => box.open(sealed, 'key:b'));
  });

  it('refuses a tampered value and another KEK', () => {
    const sealed = box.seal(Buffer.from('secret'), 'key:a');
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    assert.throws(() => box.open(tampered, 'key:a'));
    assert.throws(() => createSealedBox(randomBytes(32)).open(sealed, 'key:a'));
  });

  it('creates a KEK file on first use, private to its owner, and reads it back', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hawiya-kek-')), 'keys', 'kek');
    const first = loadKek({ file });
    assert.equal(first.length, 32);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(loadKek({ file }), first);
    assert.equal(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url').length, 32);
  });

  it('prefers HAWIYA_KEK and refuses one of the wrong length', () => {
    const kek = randomBytes(32);
    assert.deepEqual(loadKek({ value: kek.toString('base64url'), file: '/nonexistent/kek' }), kek);
    assert.throws(() => loadKek({ value: 'c2hvcnQ', file: '/nonexistent/kek' }), /32 bytes/);
  });
});
