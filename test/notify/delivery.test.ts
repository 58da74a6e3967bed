// Notices delivered through real SMTP and a real HTTP SMS gateway (tiny ones started
// here), with failures: retried with backoff on an injected clock, never lost, sent once
// when nothing crashes, and sent again rather than lost when a node dies between the
// gateway's acceptance and marking the notice delivered.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDb, type TestDb } from '../support/harness.ts';
import { fictionalRecord } from '../support/relying-party.ts';
import { startSmtpSink } from '../support/smtp-sink.ts';
import { startSmsGateway } from '../support/sms-gateway.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createManualClock } from '../../src/clock.ts';
import { enterPerson } from '../../src/register/register.ts';
import { enqueueNotice, deliverDueNotices, type Channel, type DeliveryAdapter } from '../../src/notify/outbox.ts';
import { createDeliveryAdapters } from '../../src/notify/delivery-adapters.ts';
import { NoticePayloadError } from '../../src/notify/templates.ts';
import { translate } from '../../src/web/i18n.ts';
import type { Db } from '../../src/db/db.ts';
import type { Config } from '../../src/config.ts';

const OFFICE = { code: 'POST-WN-01', ar: 'مكتب بريد وادي النور', fr: 'Bureau de poste de Wadi Nour', en: 'Wadi Nour post office' };

interface OutboxRow {
  attempts: number;
  delivered_at: Date | null;
  last_error: string | null;
  next_attempt_at: Date;
  [column: string]: unknown;
}

describe('notice delivery', () => {
  let testDb: TestDb;
  const clock = createManualClock(new Date('2030-03-01T08:00:00Z'));
  const db = () => testDb.db;

  before(async () => {
    testDb = await createTestDb();
    await migrate(db());
    await db().query(`INSERT INTO offices (code, kind, name_ar, name_fr, name_en, region) VALUES ($1, 'post', $2, $3, $4, 'north')`, [OFFICE.code, OFFICE.ar, OFFICE.fr, OFFICE.en]);
  });

  after(async () => {
    await testDb.drop();
  });

  // A person with an account (awaiting its password, as right after activation).
  async function account(contact: { email?: string; phone?: string; locale: 'ar' | 'fr' | 'en' }): Promise<string> {
    const person = await enterPerson({ db: db(), clock }, fictionalRecord(), { actor: 'test' });
    await db().query(
      `INSERT INTO accounts (id, username, state, email, phone, locale) VALUES ($1, $2, 'awaiting_password', $3, $4, $5)`,
      [person.id, `n-${randomUUID()}`, contact.email ?? null, contact.phone ?? null, contact.locale],
    );
    return person.id;
  }

  const row = async (id: string) => (await db().query<OutboxRow>('SELECT attempts, delivered_at, last_error, next_attempt_at FROM outbox WHERE id = $1', [id])).rows[0]!;
  const notify = (overrides: Partial<Config['notify']>): Config['notify'] => ({ devMailbox: false, intervalSeconds: 5, ...overrides });
  // Only the channel under test, so notices queued by other tests wait.
  const only = (adapters: Partial<Record<Channel, DeliveryAdapter>>, channel: Channel) => ({ [channel]: adapters[channel] });

  it('retries a refused e-mail with doubling backoff, then delivers it once, in Arabic, with the office named', async () => {
    const smtp = await startSmtpSink({ failures: 2 });
    const delivery = createDeliveryAdapters(notify({ email: { smtpUrl: smtp.url, from: 'Hawiya <no-reply@hawiya.test>', timeoutMs: 5000 } }));
    const adapters = only(delivery.adapters, 'email');
    try {
      const accountId = await account({ email: 'salma@example.test', locale: 'ar' });
      const id = await db().transaction((tx) => enqueueNotice(tx, clock, {
        accountId, template: 'activation_slip_issued', payload: { reference: 'WN-2030-0001', officeCode: OFFICE.code, expiresOn: '2030-03-31' },
      }));

      assert.deepEqual(await deliverDueNotices({ db: db(), clock, adapters }), { delivered: 0, failed: 1 });
      let state = await row(id);
      assert.equal(state.attempts, 1);
      assert.match(state.last_error ?? '', /451/);
      assert.equal(new Date(state.next_attempt_at).getTime(), clock.now().getTime() + 30_000);
      // Not due yet: nothing is attempted.
      assert.deepEqual(await deliverDueNotices({ db: db(), clock, adapters }), { delivered: 0, failed: 0 });

      clock.advance(30);
      assert.deepEqual(await deliverDueNotices({ db: db(), clock, adapters }), { delivered: 0, failed: 1 });
      state = await row(id);
      assert.equal(state.attempts, 2);
      assert.equal(new Date(state.next_attempt_at).getTime(), clock.now().getTime() + 60_000);

      clock.advance(60);
      assert.deepEqual(await deliverDueNotices({ db: db(), clock, adapters }), { delivered: 1, failed: 0 });
      state = await row(id);
      assert.equal(state.attempts, 3);
      assert.equal(state.last_error, null);
      assert.ok(state.delivered_at);
      clock.advance(3600);
      assert.deepEqual(await deliverDueNotices({ db: db(), clock, adapters }), { delivered: 0, failed: 0 });

      assert.equal(smtp.attempts, 3);
      assert.equal(smtp.received.length, 1);
      const [mail] = smtp.received;
      assert.deepEqual(mail!.to, ['salma@example.test']);
      assert.equal(mail!.from, 'no-reply@hawiya.test');
      assert.equal(mail!.headers.get('message-id'), `<${id}@hawiya.test>`);
      assert.equal(mail!.subject, 'قسيمة تفعيل حسابك في هوية');
      const vars = { office: OFFICE.ar, reference: 'WN-2030-0001', expiresOn: new Intl.DateTimeFormat('ar', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date('2030-03-31T00:00:00Z')) };
      assert.equal(mail!.text, `${translate('ar', 'notices.activation_slip_issued.body', vars)}\n\n${translate('ar', 'notices.footer')}`);
      assert.ok(mail!.text.includes(OFFICE.ar) && mail!.text.includes('WN-2030-0001'));
    } finally {
      delivery.close();
      await smtp.close();
    }
  });

  it('retries a text message the gateway refuses or does not answer, then sends it once, in French, short', async () => {
    const gateway = await startSmsGateway({ hang: 1, failures: 1 });
    const adapters = only(createDeliveryAdapters(notify({ sms: { url: gateway.url, token: 'gateway-token', timeoutMs: 300 } })).adapters, 'sms');
    try {
      const accountId = await account({ phone: '+21600000001', locale: 'fr' });
      const id = await db().transaction((tx) => enqueueNotice(tx, clock, { accountId, template: 'account_suspended', payload: { reason: 'citizen_request' } }));

      assert.deepEqual(await deliverDueNotices({ db: db(), clock, adapters }), { delivered: 0, failed: 1 });
      assert.match((await row(id)).last_error ?? '', /timeout|abort/i);
      clock.advance(30);
      assert.deepEqual(await deliverDueNotices({ db: db(), clock, adapters }), { delivered: 0, failed: 1 });
      assert.equal((await row(id)).last_error, 'SMS gateway answered 503');
      clock.advance(60);
      assert.deepEqual(await deliverDueNotices({ db: db(), clock, adapters }), { delivered: 1, failed: 0 });
      const state = await row(id);
      assert.equal(state.attempts, 3);
      assert.ok(state.delivered_at);

      assert.equal(gateway.requests.length, 3);
      assert.equal(gateway.accepted().length, 1);
      const [sent] = gateway.accepted();
      assert.equal(sent!.authorization, 'Bearer gateway-token');
      assert.deepEqual(sent!.body, { id, to: '+21600000001', text: translate('fr', 'notices.account_suspended.sms', { reason: 'à votre demande' }) });
      assert.ok(sent!.body.text.startsWith('Hawiya : votre compte a été suspendu'));
    } finally {
      await gateway.close();
    }
  });

  it('sends a notice again, never loses it, when a node dies after the gateway took it (at least once)', async () => {
    const gateway = await startSmsGateway();
    const sms = createDeliveryAdapters(notify({ sms: { url: gateway.url, token: 't', timeoutMs: 5000 } })).adapters.sms!;
    try {
      const accountId = await account({ phone: '+21600000002', locale: 'en' });
      const id = await db().transaction((tx) => enqueueNotice(tx, clock, { accountId, template: 'account_activated' }));

      // The node's database connection dies the moment the gateway has the message.
      let dead = false;
      const dying: Db = { ...db(), query: (sql, params) => (dead ? Promise.reject(new Error('node died')) : db().query(sql, params)) };
      const crashing: DeliveryAdapter = { deliver: async (notice, message) => {
        await sms.deliver(notice, message);
        dead = true;
      } };
      await assert.rejects(deliverDueNotices({ db: dying, clock, adapters: { sms: crashing } }), /node died/);
      assert.equal(gateway.accepted().length, 1);
      assert.equal((await row(id)).delivered_at, null);

      // Another node leaves it alone while the dead node's lease lasts…
      assert.deepEqual(await deliverDueNotices({ db: db(), clock, adapters: { sms } }), { delivered: 0, failed: 0 });
      // …then sends it again and marks it delivered.
      clock.advance(61);
      assert.deepEqual(await deliverDueNotices({ db: db(), clock, adapters: { sms } }), { delivered: 1, failed: 0 });
      assert.ok((await row(id)).delivered_at);
      assert.equal(gateway.accepted().length, 2);
      assert.deepEqual(gateway.accepted().map((request) => request.body.id), [id, id], 'the repeat carries the same id, for the gateway to drop');
    } finally {
      await gateway.close();
    }
  });

  it('leaves e-mail and text notices waiting when no gateway and no development mailbox are configured', async () => {
    const delivery = createDeliveryAdapters(notify({}));
    assert.deepEqual(delivery.waiting, ['email', 'sms']);
    assert.deepEqual(Object.keys(delivery.adapters), ['mailbox']);
    const fallback = createDeliveryAdapters(notify({ devMailbox: true }));
    assert.deepEqual(fallback.waiting, []);
    assert.deepEqual(Object.keys(fallback.adapters).sort(), ['email', 'mailbox', 'sms']);
  });

  it('refuses a payload field a template does not have, so no code or password rides along', async () => {
    const accountId = await account({ email: 'x@example.test', locale: 'en' });
    const before = (await db().query('SELECT 1 FROM outbox')).rows.length;
    await assert.rejects(
      db().transaction((tx) => enqueueNotice(tx, clock, { accountId, template: 'activation_slip_issued', payload: { reference: 'R-1', officeCode: OFFICE.code, expiresOn: '2030-01-01', code: '123456' } as never })),
      (err: unknown) => err instanceof NoticePayloadError && /code/.test(err.message) && !err.message.includes('123456'),
    );
    await assert.rejects(db().transaction((tx) => enqueueNotice(tx, clock, { accountId, template: 'password_reset' as never })), NoticePayloadError);
    assert.equal((await db().query('SELECT 1 FROM outbox')).rows.length, before);
  });
});
