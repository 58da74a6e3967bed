// The issuer's root page: where a person who types the address can go, in their language.
import assert from 'node:assert/strict';
import { createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';

describe('the home page', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;

  before(async () => {
    testDb = await createTestDb();
    hawiya = await startHawiya({ db: testDb.db, kek: newKek() });
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
  });

  it('links to the account, registration, the application status and the first sign-in', async () => {
    const response = await fetch(`${hawiya.url}/?lang=en`);
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /<html lang="en" dir="ltr"/);
    for (const path of ['/account', '/register', '/register/status', '/activate']) assert.match(html, new RegExp(`href="${path}"`));
    assert.match(html, /Get a national digital identity/);
  });

  it('reads right to left in Arabic', async () => {
    const html = await (await fetch(`${hawiya.url}/?lang=ar`)).text();
    assert.match(html, /<html lang="ar" dir="rtl"/);
    assert.match(html, /هويتك الرقمية الوطنية/);
  });

  it('leaves every other path to the provider and the routers', async () => {
    assert.equal((await fetch(`${hawiya.url}/.well-known/openid-configuration`)).status, 200);
    assert.equal((await fetch(`${hawiya.url}/`, { method: 'POST' })).status, 404);
  });
});
