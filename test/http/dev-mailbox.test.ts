// The development mailbox page: notices as their recipients would read them, newest first,
// with channel, recipient and delivery state; on in development and test, absent (404)
// when switched off and in production by default.
import assert from 'node:assert/strict';
import { createTestDb, startHawiya, newKek, createOffsetClock, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { createPerson, fictionalRecord } from '../support/relying-party.ts';
import { enqueueNotice, deliverDueNotices } from '../../src/notify/outbox.ts';
import { createDeliveryAdapters } from '../../src/notify/delivery-adapters.ts';
import { loadConfig } from '../../src/config.ts';

describe('development mailbox page', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  const clock = createOffsetClock();
  const kek = newKek();
  // The app's own worker stays out of the way: the test delivers when it chooses.
  const config = { notify: { intervalSeconds: 3600 } };

  before(async () => {
    testDb = await createTestDb();
    hawiya = await startHawiya({ db: testDb.db, kek, clock, config });
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
  });

  async function personWith(username: string, contact: { email?: string; phone?: string; locale: string }): Promise<string> {
    const id = await createPerson(hawiya, { username, password: 'a long and good password' }, fictionalRecord());
    await testDb.db.query('UPDATE accounts SET email = $2, phone = $3, locale = $4 WHERE id = $1', [id, contact.email ?? null, contact.phone ?? null, contact.locale]);
    return id;
  }

  const page = async (path: string) => {
    const response = await fetch(`${hawiya.url}${path}`);
    return { status: response.status, html: await response.text() };
  };

  it('lists notices newest first, each in its own language, with channel, recipient and state', async () => {
    const { db } = hawiya.hawiya.services;
    const arabic = await personWith('mailbox.ar', { email: 'amina@example.test', locale: 'ar' });
    const french = await personWith('mailbox.fr', { phone: '+21600000003', locale: 'fr' });
    const nobody = await personWith('mailbox.en', { locale: 'en' });
    await db.transaction((tx) => enqueueNotice(tx, clock, { accountId: arabic, template: 'new_device', payload: { device: 'Firefox on Android', network: '192.0.2.0/24' } }));
    clock.advance(1);
    await db.transaction((tx) => enqueueNotice(tx, clock, { accountId: french, template: 'account_suspended', payload: { reason: 'fraud' } }));
    clock.advance(1);
    await db.transaction((tx) => enqueueNotice(tx, clock, { accountId: nobody, template: 'account_locked' }));
    // No gateway is configured in test: e-mail falls back to the development mailbox.
    const { adapters } = createDeliveryAdapters(hawiya.hawiya.services.config.notify);
    assert.deepEqual(await deliverDueNotices({ db, clock, adapters: { email: adapters.email! } }), { delivered: 1, failed: 0 });

    const { status, html } = await page('/dev/mailbox?lang=en');
    assert.equal(status, 200);
    assert.match(html, /<html lang="en" dir="ltr">/);
    assert.ok(html.includes('Development mailbox'));
    const locked = html.indexOf('Sign-in to your Hawiya account is paused');
    const suspended = html.indexOf('Votre compte Hawiya est suspendu');
    const newDevice = html.indexOf('تسجيل دخول جديد إلى حسابك في هوية');
    assert.ok(locked > 0 && suspended > locked && newDevice > suspended, 'newest first');
    assert.ok(html.includes('amina@example.test') && html.includes('+21600000003'));
    assert.match(html, /<div class="message" lang="ar" dir="rtl">/);
    assert.ok(html.includes('Firefox on Android'));
    assert.ok(html.includes('car nous pensons que quelqu’un d’autre a tenté de l’utiliser'));
    assert.equal((html.match(/Delivered on/g) ?? []).length, 1);
    assert.equal((html.match(/Waiting to be delivered/g) ?? []).length, 2);
    assert.ok(html.includes('>Text message<') && html.includes('>Email<'));

    const arabicPage = await page('/dev/mailbox?lang=ar');
    assert.match(arabicPage.html, /<html lang="ar" dir="rtl">/);
    assert.ok(arabicPage.html.includes('صندوق بريد التطوير'));
  });

  it('shows the last error of a notice that failed', async () => {
    const { db } = hawiya.hawiya.services;
    const id = await personWith('mailbox.failing', { email: 'failing@example.test', locale: 'fr' });
    await db.transaction((tx) => enqueueNotice(tx, clock, { accountId: id, template: 'account_activated' }));
    await deliverDueNotices({ db, clock, adapters: { email: { deliver: () => Promise.reject(new Error('relay refused')) } } });
    const { html } = await page('/dev/mailbox?lang=fr');
    assert.ok(html.includes('Dernière erreur : \u2068relay refused\u2069'));
    assert.ok(html.includes('Tentatives : \u20681\u2069'));
  });

  it('is not there when switched off, and is off in production unless turned on', async () => {
    const off = await startHawiya({ db: testDb.db, kek, config: { notify: { devMailbox: false } } });
    try {
      assert.equal((await fetch(`${off.url}/dev/mailbox`)).status, 404);
    } finally {
      await off.close();
    }
    assert.equal(loadConfig({ NODE_ENV: 'production', ISSUER: 'https://id.example.gov' }).notify.devMailbox, false);
    assert.equal(loadConfig({ NODE_ENV: 'development' }).notify.devMailbox, true);
  });
});
