// The signing certificate on the account pages: made only after a fresh sign-in at the
// high level and the person's explicit consent; revoked after a confirmation; each change
// in the database and the audit log; every page in ar, fr and en.
import assert from 'node:assert/strict';
import { createTestDb, startHawiya, newKek, createOffsetClock, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { createPerson, fictionalRecord } from '../support/relying-party.ts';
import { UserAgent, hiddenInput, formAction, type Page } from '../support/user-agent.ts';
import { createHighPerson, usePasskey } from '../support/high-sign-in.ts';
import { ACR } from '../../src/authn/assurance.ts';

describe('signing certificate on the account pages', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  const clock = createOffsetClock();

  before(async () => {
    testDb = await createTestDb();
    hawiya = await startHawiya({ db: testDb.db, kek: newKek(), clock });
    await hawiya.hawiya.services.signing.initCa('test');
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
  });

  const url = (path: string) => `${hawiya.url}${path}`;
  const submit = (agent: UserAgent, page: Page, ending: string, fields: Record<string, string> = {}) =>
    agent.navigate(new URL(formAction(page.html, ending), hawiya.url).toString(), { form: { csrf: hiddenInput(page.html, 'csrf'), ...fields } });
  const certificates = async (id: string) => (await testDb.db.query<{ serial: string; revoked_at: Date | null; revocation_reason: string | null }>('SELECT serial, revoked_at, revocation_reason FROM signing_certificates WHERE person_id = $1', [id])).rows;
  const actions = async (id: string) => (await testDb.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE subject = $1 AND action LIKE 'signing.%' ORDER BY seq`, [id])).rows.map((row) => row.action);

  it('asks for a fresh high sign-in, then consent, then makes one certificate; revoking asks first', async () => {
    const person = await createHighPerson(hawiya);
    const agent = new UserAgent();
    // Signed in with the password only (low): the page itself is open.
    let page = await agent.navigate(url('/account/signature'));
    page = await submit(agent, page, '/login', { username: person.username, password: person.password });
    assert.equal(page.url, url('/account/signature'));
    assert.match(page.html, /You do not have a signing certificate yet/);

    const create = await agent.request(url('/account/signature/new'));
    assert.equal(create.status, 302);
    const reauth = new URL(create.headers.get('location')!);
    assert.equal(reauth.searchParams.get('prompt'), 'login');
    assert.equal(reauth.searchParams.get('max_age'), '0');
    assert.equal(reauth.searchParams.get('acr_values'), ACR.high);
    page = await agent.navigate(url('/account/signature/new'));
    page = await usePasskey(hawiya, agent, page, person.key);
    assert.equal(page.url, url('/account/signature/new'));
    assert.match(page.html, /counts as signed by you/);

    const refused = await submit(agent, page, '/account/signature/new');
    assert.equal(refused.status, 400);
    assert.match(refused.html, /href="#consent">Tick the box/);
    assert.equal((await certificates(person.id)).length, 0);

    const done = await submit(agent, refused, '/account/signature/new', { consent: 'yes' });
    assert.equal(done.url, url('/account/signature?done=created'));
    assert.match(done.html, /Your signing certificate is ready/);
    const { rows } = await testDb.db.query<{ eid: string }>('SELECT eid FROM persons WHERE id = $1', [person.id]);
    assert.match(done.html, new RegExp(`<bdi dir="ltr" class="number">PNOXX-${rows[0]!.eid}</bdi>`));
    assert.equal((await certificates(person.id)).length, 1);

    // A second one is not made while the first lives.
    const again = await agent.navigate(url('/account/signature/new'));
    assert.equal(again.url, url('/account/signature'));

    const confirm = await agent.navigate(url('/account/signature/revoke'));
    assert.match(confirm.html, /You will not be able to sign anything with this certificate again/);
    const revoked = await submit(agent, confirm, '/account/signature/revoke');
    assert.equal(revoked.url, url('/account/signature?done=revoked'));
    assert.match(revoked.html, /Nothing can be signed with it any more/);
    const [row] = await certificates(person.id);
    assert.ok(row!.revoked_at);
    assert.equal(row!.revocation_reason, 'unspecified');
    assert.deepEqual(await actions(person.id), ['signing.certificate.issued', 'signing.certificate.revoked']);
  });

  it('sends a sign-in older than five minutes to sign in again', async () => {
    const person = await createHighPerson(hawiya);
    const agent = new UserAgent();
    let page = await agent.navigate(url('/account/signature/new'));
    page = await submit(agent, page, '/login', { username: person.username, password: person.password });
    page = await usePasskey(hawiya, agent, page, person.key);
    assert.equal(page.url, url('/account/signature/new'));
    clock.advance(301);
    const stale = await agent.request(url('/account/signature/new'), { form: { csrf: hiddenInput(page.html, 'csrf'), consent: 'yes' } });
    assert.equal(stale.status, 303);
    assert.equal(new URL(stale.headers.get('location')!).searchParams.get('acr_values'), ACR.high);
    assert.equal((await certificates(person.id)).length, 0);
    clock.reset();
  });

  it('tells a person whose account cannot reach high how to get there, and makes nothing', async () => {
    const person = { username: 'low.only', password: 'a long and good password' };
    const id = await createPerson(hawiya, person, fictionalRecord());
    const agent = new UserAgent();
    let page = await agent.navigate(url('/account/signature/new'));
    page = await submit(agent, page, '/login', person);
    assert.equal(page.url, url('/account/signature/new'));
    assert.match(page.html, /sign in at the high level/);
    assert.match(page.html, /have your identity checked at a post office/);
    assert.equal((await certificates(id)).length, 0);
  });

  it('renders the signature pages in ar, fr and en, right to left in Arabic', async () => {
    const person = await createHighPerson(hawiya);
    const agent = new UserAgent();
    let page = await agent.navigate(url('/account/signature/new'));
    page = await submit(agent, page, '/login', { username: person.username, password: person.password });
    await usePasskey(hawiya, agent, page, person.key);
    for (const locale of ['ar', 'fr', 'en']) {
      for (const path of ['/account/signature', '/account/signature/new']) {
        const shown = await agent.navigate(url(`${path}?lang=${locale}`));
        assert.equal(shown.status, 200, `${locale} ${path}`);
        assert.match(shown.html, new RegExp(`<html lang="${locale}" dir="${locale === 'ar' ? 'rtl' : 'ltr'}">`));
        assert.doesNotMatch(shown.html.replace(/<[^>]*>/g, ' '), /\b(signature|account)\.[a-zA-Z]+\.[a-zA-Z]/, `${locale} ${path} shows a message key`);
      }
    }
  });
});
