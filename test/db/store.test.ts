// The store on the chosen backend: migrations, the provider adapter's contract, purging.
import assert from 'node:assert/strict';
import { createTestDb, createOffsetClock, backend, type TestDb } from '../support/harness.ts';
import { migrate, readMigrations } from '../../src/db/migrate.ts';
import { createAdapterFactory, purgeExpired } from '../../src/oidc/adapter.ts';
import { createClientRegistry } from '../../src/oidc/clients.ts';
import { createSealedBox } from '../../src/crypto/sealed-box.ts';
import { createThrottle } from '../../src/authn/throttle.ts';
import { randomBytes } from 'node:crypto';

describe(`store (${backend})`, () => {
  let testDb: TestDb;
  const clock = createOffsetClock();

  before(async () => {
    testDb = await createTestDb();
  });

  after(async () => {
    await testDb.drop();
  });

  describe('migrations', () => {
    it('apply each file once even when two nodes start at once', async () => {
      const other = testDb.reopen();
      const [a, b] = await Promise.all([migrate(testDb.db), migrate(other)]);
      assert.deepEqual([...a, ...b].sort(), readMigrations().map((m) => m.name).sort());
      const { rows } = await testDb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      assert.equal(rows[0]!.n, readMigrations().length);
      assert.deepEqual(await migrate(testDb.db), []);
    });

    it('leave nothing behind when a migration fails', async () => {
      const broken = [{ version: 9999, name: '9999_broken.sql', sql: 'CREATE TABLE half_done (id int); SELECT no_such_function();' }];
      await assert.rejects(migrate(testDb.db, broken));
      const { rows } = await testDb.db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`);
      assert.equal(rows.length, 0);
    });
  });

  describe('oidc-provider adapter', () => {
    const adapterFor = (model: string) => {
      const box = createSealedBox(randomBytes(32));
      const clients = createClientRegistry({ db: testDb.db, box, clock });
      return createAdapterFactory({ db: testDb.db, clock, clients, initialAccessToken: async () => undefined })(model);
    };

    it('upserts, finds, consumes and destroys', async () => {
      const codes = adapterFor('AuthorizationCode');
      await codes.upsert('c1', { grantId: 'g1', accountId: 'a' }, 60);
      assert.deepEqual(await codes.find('c1'), { grantId: 'g1', accountId: 'a' });
      await codes.upsert('c1', { grantId: 'g1', accountId: 'b' }, 60);
      assert.equal((await codes.find('c1'))?.accountId, 'b');
      await codes.consume('c1');
      assert.equal(typeof (await codes.find('c1'))?.consumed, 'number');
      await codes.destroy('c1');
      assert.equal(await codes.find('c1'), undefined);
    });

    it('keeps models apart and finds by uid and user code', async () => {
      const sessions = adapterFor('Session');
      const devices = adapterFor('DeviceCode');
      await sessions.upsert('s1', { uid: 'u1', accountId: 'x' }, 60);
      await devices.upsert('d1', { userCode: 'ABCD-EFGH' }, 60);
      assert.equal((await sessions.findByUid('u1'))?.accountId, 'x');
      assert.equal(await adapterFor('Interaction').find('s1'), undefined);
      assert.deepEqual(await devices.findByUserCode('ABCD-EFGH'), { userCode: 'ABCD-EFGH' });
    });

    it('revokes a grant model by model', async () => {
      const access = adapterFor('AccessToken');
      const refresh = adapterFor('RefreshToken');
      await access.upsert('at1', { grantId: 'g2' }, 60);
      await refresh.upsert('rt1', { grantId: 'g2' }, 60);
      await access.upsert('at2', { grantId: 'other' }, 60);
      await access.revokeByGrantId('g2');
      assert.equal(await access.find('at1'), undefined);
      assert.ok(await refresh.find('rt1'), 'another model is revoked by its own call');
      await refresh.revokeByGrantId('g2');
      assert.equal(await refresh.find('rt1'), undefined);
      assert.ok(await access.find('at2'));
    });

    it('consumes once: a second consume is refused with invalid_grant and revokes the grant', async () => {
      const codes = adapterFor('AuthorizationCode');
      const access = adapterFor('AccessToken');
      await codes.upsert('once', { grantId: 'g4' }, 60);
      await access.upsert('at-g4', { grantId: 'g4' }, 60);
      const results = await Promise.allSettled([codes.consume('once'), codes.consume('once')]);
      assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
      const refused = results.find((result) => result.status === 'rejected');
      assert.equal((refused?.reason as { error?: string }).error, 'invalid_grant');
      assert.equal(await access.find('at-g4'), undefined);
    });

    it('hides expired rows and the purge job deletes them', async () => {
      const access = adapterFor('AccessToken');
      await access.upsert('short', { grantId: 'g3' }, 1);
      await access.upsert('long', { grantId: 'g3' }, 3600);
      clock.advance(5);
      assert.equal(await access.find('short'), undefined);
      assert.ok(await purgeExpired(testDb.db, clock, 1) >= 1);
      const { rows } = await testDb.db.query(`SELECT id FROM oidc_model WHERE id IN ('short', 'long')`);
      assert.deepEqual(rows.map((row) => row.id), ['long']);
    });
  });

  describe('throttle', () => {
    it('locks after the limit, doubles the lock, and forgets after a reset', async () => {
      const throttle = createThrottle({ db: testDb.db, clock });
      const limits = { maxFailures: 3, windowSeconds: 60, lockSeconds: 10 };
      assert.equal((await throttle.recordFailure('k', limits)).lockedUntil, null);
      await throttle.recordFailure('k', limits);
      const third = await throttle.recordFailure('k', limits);
      assert.ok(third.lockedUntil);
      assert.deepEqual(await throttle.locked(['k', 'other']), ['k']);
      const fourth = await throttle.recordFailure('k', limits);
      const lock = (until: Date | null) => (until!.getTime() - clock.now().getTime()) / 1000;
      assert.ok(lock(fourth.lockedUntil) > lock(third.lockedUntil) * 1.5, 'the lock grows');
      clock.advance(25);
      assert.deepEqual(await throttle.locked(['k']), [], 'the lock expires');
      await throttle.reset('k');
      assert.equal((await throttle.recordFailure('k', limits)).failures, 1);
    });
  });
});
