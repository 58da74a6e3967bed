// The counter as clerks meet it: staff sign-in at the high level, the queue, look-up by
// reference, QR content or civil number, the registry beside the application, the
// evidence, activation and the slip; and every transition the counter must refuse.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { backend, createTestDb, startHawiya, newKek, createOffsetClock, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { createPerson, fictionalRecord } from '../support/relying-party.ts';
import { UserAgent, hiddenInput, formAction, type Page } from '../support/user-agent.ts';
import { OFFICES, writeRegistry, newStaffPerson, openAsStaff, applyOnline, evidenceForm, type StaffPerson } from '../support/office.ts';
import type { RegistryRecord } from '../../src/register/person.ts';
import { formatReference } from '../../src/enrolment/codes.ts';
import { activateApplication } from '../../src/enrolment/verification.ts';
import { checkActivationCode } from '../../src/enrolment/activation-codes.ts';
import { AppError } from '../../src/errors.ts';

describe(`the counter (${backend})`, () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let records: RegistryRecord[];
  let clerk: StaffPerson;
  let otherClerk: StaffPerson;
  const clock = createOffsetClock();
  const agent = new UserAgent();

  before(async () => {
    testDb = await createTestDb();
    const written = writeRegistry(40);
    records = written.records;
    hawiya = await startHawiya({ db: testDb.db, kek: newKek(), clock, registry: written.registry });
    for (const office of OFFICES) await hawiya.hawiya.services.offices.save(office, 'test');
    clerk = await newStaffPerson(hawiya, 'clerk', 'POST-A');
    otherClerk = await newStaffPerson(hawiya, 'clerk', 'INT-B');
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
  });

  const url = (path: string) => `${hawiya.url}${path}`;
  const db = () => testDb.db;
  const nextRecord = () => records.shift()!;
  const text = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');
  const stateOf = async (id: string) => (await db().query<{ state: string }>('SELECT state FROM applications WHERE id = $1', [id])).rows[0]!.state;
  const count = async (sql: string, params: unknown[]) => (await db().query(sql, params)).rows.length;

  // Posts a page's form (the one whose action ends with `ending`), with its CSRF token and,
  // on a confirmation page, the values it carries.
  function submit(as: UserAgent, page: Page, ending: string, fields: Record<string, string> = {}): Promise<Page> {
    return as.navigate(new URL(formAction(page.html, ending), hawiya.url).toString(), { form: { csrf: hiddenInput(page.html, 'csrf'), ...carried(page.html), ...fields } });
  }

  function carried(html: string): Record<string, string> {
    if (!html.includes('class="effect"')) return {};
    const decode = (value: string) => value.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    return Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((match) => [match[1]!, decode(match[2]!)]));
  }

  // A token of this clerk's session, from a page that has a form.
  async function csrfOf(as: UserAgent): Promise<string> {
    return hiddenInput((await as.navigate(url('/office/register'))).html, 'csrf');
  }

  describe('signing in', () => {
    it('sends a visitor to the provider through hawiya-office at the high level, then shows the queue', async () => {
      const fresh = new UserAgent();
      const first = await fresh.request(url('/office'));
      assert.equal(first.status, 302);
      const location = new URL(first.headers.get('location')!);
      assert.equal(location.pathname, '/auth');
      assert.equal(location.searchParams.get('client_id'), 'hawiya-office');
      assert.equal(location.searchParams.get('acr_values'), 'http://eidas.europa.eu/LoA/high');
      const client = await hawiya.hawiya.services.clients.find('hawiya-office');
      assert.equal(client?.hawiya_min_acr, 'http://eidas.europa.eu/LoA/high');

      const page = await openAsStaff(hawiya, agent, '/office', clerk);
      assert.equal(page.url, url('/office'));
      assert.equal(page.status, 200);
      assert.match(page.html, /Applications waiting/);
      // Refreshed by a script that waits while the clerk types, not by <meta http-equiv=refresh>.
      assert.match(page.html, /data-refresh-seconds="30" hidden>/);
      assert.match(page.html, /<script src="\/static\/queue-refresh.js"><\/script>/);
      assert.doesNotMatch(page.html, /http-equiv="refresh"/);
      assert.match(page.html, /id="q" name="q"[^>]*autofocus/);
      assert.equal(page.headers.get('cache-control'), 'no-store');
    });

    it('sends a clerk signed in with only a password to sign in again at the high level, for pages and for posts', async () => {
      const lowAgent = new UserAgent();
      const login = await lowAgent.navigate(url('/account'));
      await submit(lowAgent, login, '/login', { username: clerk.username, password: 'a long staff password' });
      assert.equal((await lowAgent.navigate(url('/account'))).status, 200, 'signed in at low');
      const page = await lowAgent.request(url('/office'));
      assert.equal(page.status, 302);
      assert.equal(new URL(page.headers.get('location')!).searchParams.get('acr_values'), 'http://eidas.europa.eu/LoA/high');
      const application = await applyOnline(hawiya, nextRecord());
      const post = await lowAgent.request(url(`/office/applications/${application.id}/activate`), { form: { csrf: 'x', ...evidenceForm(), confirmed: 'yes' } });
      assert.equal(post.status, 303);
      assert.match(post.headers.get('location')!, /\/auth\?.*client_id=hawiya-office/);
      assert.equal(await stateOf(application.id), 'awaiting_verification');
    });

    it('refuses, in words, a person signed in at the high level who is not staff', async () => {
      const outsider = await newStaffPerson(hawiya);
      const page = await openAsStaff(hawiya, new UserAgent(), '/office', outsider);
      assert.equal(page.status, 403);
      assert.match(page.html, /This is for office staff only/);
    });

    it('reads the role at every request: a removed clerk is refused at the next click', async () => {
      const leaving = await newStaffPerson(hawiya, 'clerk', 'POST-A');
      const leavingAgent = new UserAgent();
      assert.equal((await openAsStaff(hawiya, leavingAgent, '/office', leaving)).status, 200);
      const { rows } = await db().query<{ eid: string }>('SELECT eid FROM persons WHERE id = $1', [leaving.id]);
      await hawiya.hawiya.services.staff.remove(rows[0]!.eid, 'test');
      assert.equal((await leavingAgent.navigate(url('/office'))).status, 403);
    });
  });

  describe('the counter path', () => {
    it('goes from the queue through look-up and verification to activation, and prints the slip in the citizen\'s language', async () => {
      const record = nextRecord();
      const application = await applyOnline(hawiya, record);
      const queue = await openAsStaff(hawiya, agent, '/office', clerk);
      const formatted = formatReference(application.reference);
      assert.match(queue.html, new RegExp(`<bdi dir="ltr" class="number">${formatted}</bdi>`));

      const found = await agent.request(url(`/office/find?q=${encodeURIComponent(formatted.toLowerCase())}`));
      assert.equal(found.status, 302);
      assert.equal(found.headers.get('location'), `/office/applications/${application.id}`);

      const screen = await agent.navigate(url(`/office/applications/${application.id}`));
      assert.equal(screen.status, 200);
      assert.match(text(screen.html), /In the application In the civil registry/);
      assert.match(screen.html, new RegExp(`<bdi dir="ltr" class="number">${record.civilNumber}</bdi>`));
      assert.match(screen.html, /سلمى يوسف إبراهيم الخطيب/, 'the registry record, in Arabic too');
      assert.doesNotMatch(screen.html, /class="differs"/);
      assert.match(screen.html, /name="expiresOn-day"/);

      const confirm = await submit(agent, screen, '/activate', evidenceForm());
      assert.equal(confirm.status, 200, text(confirm.html).slice(0, 600));
      assert.match(confirm.html, /Activate this account\?/);
      assert.match(confirm.html, /This cannot be undone/);
      assert.equal(await stateOf(application.id), 'awaiting_verification', 'nothing happens before the confirmation');

      const slip = await submit(agent, confirm, '/activate');
      assert.equal(slip.status, 200);
      assert.equal(slip.headers.get('cache-control'), 'no-store');
      assert.match(slip.html, /<html lang="fr" dir="ltr">/, 'the citizen\'s language, not the clerk\'s');
      assert.match(slip.html, /Votre compte Hawiya est prêt/);
      assert.match(slip.html, /@media print|hawiya\.css/);
      const code = /<bdi dir="ltr" class="activation-code">([0-9A-Z-]+)<\/bdi>/.exec(slip.html)?.[1];
      assert.ok(code && /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/.test(code), 'the code, formatted and isolated');
      const { rows: person } = await db().query<{ eid: string }>('SELECT eid FROM persons WHERE civil_number = $1', [record.civilNumber]);
      assert.match(slip.html, new RegExp(`<bdi dir="ltr" class="number slip-username">${person[0]!.eid}</bdi>`));
      assert.match(slip.html, /\/activate<\/bdi>/);

      // Stored hashed only, and it works for the first sign-in.
      const { rows: codes } = await db().query<{ code_hash: string; issued_by: string }>('SELECT code_hash, issued_by FROM activation_codes WHERE account_id = $1', [application.personId]);
      assert.equal(codes[0]!.code_hash, createHash('sha256').update(code.replace(/-/g, '')).digest('hex'));
      assert.equal(codes[0]!.issued_by, clerk.id);
      assert.equal(await checkActivationCode(db(), clock, { username: person[0]!.eid, code }), application.personId);
      assert.equal(await stateOf(application.id), 'activated');
      const evidence = await db().query<{ office_code: string; verified_by: string; document_number: string }>('SELECT office_code, verified_by, document_number FROM identity_evidence WHERE application_id = $1', [application.id]);
      assert.deepEqual(evidence.rows[0], { office_code: 'POST-A', verified_by: clerk.id, document_number: 'AB123456' });

      // The audit log names the clerk, the office and the time.
      const { rows: audit } = await db().query<{ actor: string; at: Date; details: { office: string } }>(`SELECT actor, at, details FROM audit_log WHERE action = 'application.activated' AND subject = $1`, [application.personId]);
      assert.equal(audit[0]!.actor, `staff:${clerk.id}`);
      assert.equal(audit[0]!.details.office, 'POST-A');
      assert.ok(Math.abs(audit[0]!.at.getTime() - clock.now().getTime()) < 60_000);

      // The slip is not a page one can come back to: the application page says it is closed.
      const after = await agent.navigate(url(`/office/applications/${application.id}`));
      assert.match(after.html, /has been activated/);
      assert.doesNotMatch(after.html, /activation-code/);
    });

    it('finds an application by the QR code\'s content and by civil number', async () => {
      const record = nextRecord();
      const application = await applyOnline(hawiya, record);
      await openAsStaff(hawiya, agent, '/office', clerk);
      const scanned = `${hawiya.url}/register/status?reference=${formatReference(application.reference)}`;
      for (const q of [scanned, application.reference, record.civilNumber, ` ${record.civilNumber.slice(0, 5)} ${record.civilNumber.slice(5)} `]) {
        const found = await agent.request(url(`/office/find?q=${encodeURIComponent(q)}`));
        assert.equal(found.headers.get('location'), `/office/applications/${application.id}`, q);
      }
    });

    it('refuses a forged reference (a wrong check character) cleanly, with the error linked to the box', async () => {
      const application = await applyOnline(hawiya, nextRecord());
      const body = application.reference.slice(0, -1);
      const wrong = [...'0123456789ABCDEFGHJKMNPQRSTVWXYZ'].find((char) => char !== application.reference.at(-1))!;
      await openAsStaff(hawiya, agent, '/office', clerk);
      const page = await agent.navigate(url(`/office/find?q=${body}${wrong}`));
      assert.equal(page.status, 400);
      assert.match(page.html, /<a href="#q">This reference code has a wrong character/);
      assert.match(page.html, new RegExp(`value="${body}${wrong}"`), 'what the clerk typed stays');
      assert.doesNotMatch(page.html, /data-refresh-seconds|queue-refresh\.js/);
      const none = await agent.navigate(url('/office/find?q=7KQ3MZW4'));
      assert.equal(none.status, 400);
    });

    it('marks in words, not colour alone, what differs from the registry, and sends an assisted mismatch to a supervisor', async () => {
      const record = nextRecord();
      const form = await openAsStaff(hawiya, agent, '/office/register', clerk);
      assert.match(form.html, /id="civilNumber"[^>]*autofocus/);
      const missing = await submit(agent, form, '/office/register', { civilNumber: record.civilNumber, givenName: '', familyName: 'El Khatib' });
      assert.equal(missing.status, 400);
      assert.match(missing.html, /<a href="#givenName">/);
      assert.match(missing.html, /<a href="#birthDate">/);
      assert.match(missing.html, /<a href="#locale">Choose the citizen&#39;s language/);
      const page = await submit(agent, form, '/office/register', {
        civilNumber: record.civilNumber, givenName: 'Karima', familyName: record.names.lat.family,
        'birthDate-day': String(Number(record.birthDate.slice(8))), 'birthDate-month': String(Number(record.birthDate.slice(5, 7))), 'birthDate-year': record.birthDate.slice(0, 4), locale: 'ar',
      });
      assert.equal(page.status, 200);
      assert.match(page.url, /\/office\/applications\/[0-9a-f-]{36}$/);
      assert.match(page.html, /<tr class="differs">\s*<th scope="row">Given name<\/th>/);
      assert.match(page.html, /<strong class="differs-tag">Differs<\/strong>/);
      assert.match(page.html, /needs a supervisor|A supervisor of this office must approve/);
      assert.doesNotMatch(page.html, /\/activate"/, 'no evidence form before the override');
      const id = page.url.split('/').at(-1)!;
      assert.equal(await stateOf(id), 'awaiting_override');
      const { rows } = await db().query<{ channel: string; email: string | null }>('SELECT channel, email FROM applications WHERE id = $1', [id]);
      assert.deepEqual(rows[0], { channel: 'assisted', email: null });

      const asked = await submit(agent, page, '/override', { reason: 'The registry spells the given name differently' });
      assert.match(asked.html, /A supervisor has been asked/);
      assert.equal(await count(`SELECT 1 FROM approval_requests WHERE subject = $1 AND kind = 'override_mismatch' AND state = 'pending'`, [id]), 1);
    });
  });

  describe('what the counter refuses', () => {
    async function activate(as: UserAgent, applicationId: string, fields: Record<string, string> = {}): Promise<Page> {
      return as.navigate(url(`/office/applications/${applicationId}/activate`), { form: { csrf: await csrfOf(as), ...evidenceForm(), confirmed: 'yes', ...fields } });
    }

    it('refuses to activate twice, and to activate a rejected application (409), changing nothing', async () => {
      await openAsStaff(hawiya, agent, '/office', clerk);
      const once = await applyOnline(hawiya, nextRecord());
      assert.equal((await activate(agent, once.id)).status, 200);
      const again = await activate(agent, once.id);
      assert.equal(again.status, 409);
      assert.match(again.html, /application_closed/);
      assert.equal(await count('SELECT 1 FROM identity_evidence WHERE application_id = $1', [once.id]), 1);

      const rejected = await applyOnline(hawiya, nextRecord());
      const screen = await agent.navigate(url(`/office/applications/${rejected.id}`));
      const confirm = await submit(agent, screen, '/reject', { reason: 'The photo does not match' });
      assert.match(confirm.html, /closed for good/);
      const done = await submit(agent, confirm, '/reject');
      assert.equal(done.url, url('/office?done=rejected'));
      assert.equal(await stateOf(rejected.id), 'rejected');
      const late = await activate(agent, rejected.id);
      assert.equal(late.status, 409);
      assert.equal(await stateOf(rejected.id), 'rejected');
      assert.equal(await count('SELECT 1 FROM accounts WHERE id = $1', [rejected.personId]), 0);
    });

    it('keeps what the clerk typed and links each problem of the evidence form to its field', async () => {
      await openAsStaff(hawiya, agent, '/office', clerk);
      const application = await applyOnline(hawiya, nextRecord());
      const page = await activate(agent, application.id, { documentNumber: 'x', photoMatches: '', 'expiresOn-year': '2001', confirmed: '' });
      assert.equal(page.status, 400);
      assert.match(page.html, /<a href="#documentNumber">/);
      assert.match(page.html, /<a href="#photoMatches">/);
      assert.match(page.html, /value="Ministry of Interior"/);
      const expired = await activate(agent, application.id, { 'expiresOn-year': '2001' });
      assert.equal(expired.status, 400);
      assert.match(expired.html, /<a href="#expiresOn">The document has expired/);
      assert.equal(await stateOf(application.id), 'awaiting_verification');
    });

    it('refuses a clerk of another office (403), changing nothing', async () => {
      const application = await applyOnline(hawiya, nextRecord(), 'POST-A');
      const other = new UserAgent();
      await openAsStaff(hawiya, other, '/office', otherClerk);
      assert.equal((await other.navigate(url(`/office/applications/${application.id}`))).status, 403);
      const post = await other.navigate(url(`/office/applications/${application.id}/activate`), { form: { csrf: await csrfOf(other), ...evidenceForm(), confirmed: 'yes' } });
      assert.equal(post.status, 403);
      assert.equal(await stateOf(application.id), 'awaiting_verification');
      assert.equal(await count('SELECT 1 FROM identity_evidence WHERE application_id = $1', [application.id]), 0);
    });

    it('refuses tampered forms: a missing or wrong CSRF token (403), changing nothing', async () => {
      await openAsStaff(hawiya, agent, '/office', clerk);
      const application = await applyOnline(hawiya, nextRecord());
      const target = url(`/office/applications/${application.id}/activate`);
      const missing = await agent.request(target, { form: { ...evidenceForm(), confirmed: 'yes' } });
      assert.equal(missing.status, 403);
      const wrong = await agent.request(target, { form: { csrf: 'forged', ...evidenceForm(), confirmed: 'yes' } });
      assert.equal(wrong.status, 403);
      // A token from another clerk's session is no better.
      const other = new UserAgent();
      await openAsStaff(hawiya, other, '/office', otherClerk);
      const foreign = await agent.request(target, { form: { csrf: await csrfOf(other), ...evidenceForm(), confirmed: 'yes' } });
      assert.equal(foreign.status, 403);
      assert.equal(await stateOf(application.id), 'awaiting_verification');
    });

    it('activates exactly once when two clerks press together, through HTTP', async () => {
      const application = await applyOnline(hawiya, nextRecord());
      const second = new UserAgent();
      const pages = await Promise.all([agent, second].map(async (each) => {
        const screen = await openAsStaff(hawiya, each, `/office/applications/${application.id}`, clerk);
        return { each, csrf: hiddenInput(screen.html, 'csrf') };
      }));
      const results = await Promise.all(pages.map(({ each, csrf }) => each.navigate(url(`/office/applications/${application.id}/activate`), { form: { csrf, ...evidenceForm(), confirmed: 'yes' } })));
      assert.deepEqual(results.map((page) => page.status).sort(), [200, 409]);
      assert.equal(await count('SELECT 1 FROM accounts WHERE id = $1', [application.personId]), 1);
      assert.equal(await count('SELECT 1 FROM identity_evidence WHERE application_id = $1', [application.id]), 1);
      assert.equal(await count('SELECT 1 FROM activation_codes WHERE account_id = $1', [application.personId]), 1);
    });

    it('activates exactly once when two connections call activateApplication together', async () => {
      const application = await applyOnline(hawiya, nextRecord());
      const { staff } = hawiya.hawiya.services;
      const member = (await staff.find(clerk.id))!;
      const second = testDb.reopen();
      const evidence = { documentType: 'passport' as const, documentNumber: 'P1234567', issuer: 'Ministry of Interior', expiresOn: `${new Date().getUTCFullYear() + 3}-01-01`, photoMatches: true as const, documentGenuine: true as const };
      const outcomes = await Promise.allSettled([testDb.db, second].map((each) => activateApplication({ db: each, clock }, { applicationId: application.id, evidence }, { staff: member })));
      assert.deepEqual(outcomes.map((outcome) => outcome.status).sort(), ['fulfilled', 'rejected']);
      const failure = outcomes.find((outcome) => outcome.status === 'rejected')!.reason as AppError;
      assert.ok(failure instanceof AppError);
      assert.equal(failure.code, 'application_closed');
      assert.equal(failure.status, 409);
      assert.equal(await count('SELECT 1 FROM accounts WHERE id = $1', [application.personId]), 1);
      assert.equal(await count('SELECT 1 FROM identity_evidence WHERE application_id = $1', [application.id]), 1);
      assert.equal(await count('SELECT 1 FROM activation_codes WHERE account_id = $1', [application.personId]), 1);
    });

    it('refuses an expired application (410), and drops it from the queue', async () => {
      const application = await applyOnline(hawiya, nextRecord());
      clock.advance(31 * 24 * 3600);
      try {
        const late = new UserAgent();
        const queue = await openAsStaff(hawiya, late, '/office', clerk);
        assert.doesNotMatch(queue.html, new RegExp(formatReference(application.reference)));
        const screen = await late.navigate(url(`/office/applications/${application.id}`));
        assert.match(screen.html, /has expired/);
        const post = await late.navigate(url(`/office/applications/${application.id}/activate`), { form: { csrf: await csrfOf(late), ...evidenceForm(), confirmed: 'yes' } });
        assert.equal(post.status, 410);
        assert.equal(await count('SELECT 1 FROM accounts WHERE id = $1', [application.personId]), 0);
      } finally {
        clock.reset();
      }
    });
  });

  it('is right to left in Arabic, with references isolated', async () => {
    const application = await applyOnline(hawiya, nextRecord());
    await openAsStaff(hawiya, agent, '/office', clerk);
    for (const path of ['/office', '/office/register', '/office/people', `/office/applications/${application.id}`]) {
      for (const locale of ['ar', 'fr', 'en']) {
        const page = await agent.navigate(url(`${path}?lang=${locale}`));
        assert.equal(page.status, 200, `${locale} ${path}`);
        assert.match(page.html, new RegExp(`<html lang="${locale}" dir="${locale === 'ar' ? 'rtl' : 'ltr'}">`));
        assert.doesNotMatch(text(page.html), /office\.[a-z]+\.[a-zA-Z]/, `no untranslated key on ${locale} ${path}`);
      }
    }
    agent.headers['accept-language'] = 'en';
    const page = await agent.navigate(url('/office?lang=ar'));
    assert.match(page.html, /الطلبات المنتظرة/);
    assert.match(page.html, /<bdi dir="ltr" class="number">[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}<\/bdi>/);
    await agent.navigate(url('/office?lang=en'));
  });
});
