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

  // Posts a page's form (the one whose action ends with `ending`), with its CSRF token.
  function submit(as: UserAgent, page: Page, ending: string, fields: Record<string, string> = {}): Promise<Page> {
    return as.navigate(new URL(formAction(page.html, ending), hawiya.url).toString(), { form: { csrf: hiddenInput(page.html, 'csrf'), ...fields } });
  }

  async function activationPage(as: UserAgent, staff: StaffPerson, applicationId: string): Promise<Page> {
    return openAsStaff(hawiya, as, `/office/applications/${applicationId}`, staff);
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
      assert.match(page.html, /<meta http-equiv="refresh" content="30">/);
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
});
