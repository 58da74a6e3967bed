// Accounts at the counter after activation: suspension, reactivation, in-person recovery,
// the four-eyes decisions a second supervisor takes, and the registrar-admins' staff list.
import assert from 'node:assert/strict';
import { backend, createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { UserAgent, hiddenInput, formAction, type Page } from '../support/user-agent.ts';
import { OFFICES, writeRegistry, newStaffPerson, openAsStaff, applyOnline, evidenceForm, type StaffPerson } from '../support/office.ts';
import type { RegistryRecord } from '../../src/register/person.ts';
import { issueCertificate } from '../../src/signing/certificates.ts';
import { loadCa } from '../../src/signing/ca.ts';

describe(`accounts at the counter (${backend})`, () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let records: RegistryRecord[];
  let clerk: StaffPerson;
  let supervisor: StaffPerson;
  let secondSupervisor: StaffPerson;
  let admin: StaffPerson;
  const clerkAgent = new UserAgent();
  const supervisorAgent = new UserAgent();

  before(async () => {
    testDb = await createTestDb();
    const written = writeRegistry(20);
    records = written.records;
    hawiya = await startHawiya({ db: testDb.db, kek: newKek(), registry: written.registry });
    for (const office of OFFICES) await hawiya.hawiya.services.offices.save(office, 'test');
    clerk = await newStaffPerson(hawiya, 'clerk', 'POST-A');
    supervisor = await newStaffPerson(hawiya, 'supervisor', 'POST-A');
    secondSupervisor = await newStaffPerson(hawiya, 'supervisor', 'POST-A');
    admin = await newStaffPerson(hawiya, 'registrar_admin');
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
  });

  const url = (path: string) => `${hawiya.url}${path}`;
  const db = () => testDb.db;
  const decode = (value: string) => value.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

  // Posts a page's form, with its CSRF token and the values a confirmation page carries.
  function submit(as: UserAgent, page: Page, ending: string, fields: Record<string, string> = {}): Promise<Page> {
    const carried = page.html.includes('class="effect"')
      ? Object.fromEntries([...page.html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((match) => [match[1]!, decode(match[2]!)]))
      : {};
    return as.navigate(new URL(formAction(page.html, ending), hawiya.url).toString(), { form: { csrf: hiddenInput(page.html, 'csrf'), ...carried, ...fields } });
  }

  // A citizen activated at POST-A by the clerk; returns the person's id.
  async function activatedCitizen(): Promise<string> {
    const application = await applyOnline(hawiya, records.shift()!);
    const screen = await openAsStaff(hawiya, clerkAgent, `/office/applications/${application.id}`, clerk);
    const slip = await submit(clerkAgent, await submit(clerkAgent, screen, '/activate', evidenceForm()), '/activate');
    assert.equal(slip.status, 200);
    return application.personId;
  }

  const accountOf = async (id: string) => (await db().query<{ state: string; suspension: string | null }>('SELECT state, suspension FROM accounts WHERE id = $1', [id])).rows[0]!;
  const auditOf = async (action: string, subject: string) => (await db().query<{ actor: string; details: Record<string, unknown> }>('SELECT actor, details FROM audit_log WHERE action = $1 AND subject = $2 ORDER BY seq', [action, subject])).rows;

  it('finds a person by e-ID or civil number, suspends after a confirmation naming the effect, and reactivates in person', async () => {
    const id = await activatedCitizen();
    const { rows } = await db().query<{ eid: string; civil_number: string }>('SELECT eid, civil_number FROM persons WHERE id = $1', [id]);
    for (const q of [rows[0]!.eid, rows[0]!.civil_number]) {
      const found = await clerkAgent.request(url(`/office/people?q=${q}`));
      assert.equal(found.headers.get('location'), `/office/people/${id}`);
    }
    const missing = await clerkAgent.navigate(url('/office/people?q=000000000000'));
    assert.equal(missing.status, 404);
    assert.match(missing.html, /<a href="#q">No person has this number/);

    const person = await clerkAgent.navigate(url(`/office/people/${id}`));
    assert.match(person.html, /waiting for the first password/);
    const confirm = await submit(clerkAgent, person, '/suspend', { reason: 'Lost identity card' });
    assert.match(confirm.html, /Every session ends at once/);
    assert.equal((await accountOf(id)).state, 'awaiting_password');
    const suspended = await submit(clerkAgent, confirm, '/suspend');
    assert.match(suspended.html, /The account is suspended/);
    assert.deepEqual(await accountOf(id), { state: 'suspended', suspension: 'clerk' });

    const reactivated = await submit(clerkAgent, suspended, '/reactivate', { reason: 'Card found, identity checked' });
    assert.match(reactivated.html, /The account is reactivated/);
    assert.equal((await accountOf(id)).state, 'awaiting_password');
    const audit = await auditOf('account.suspended', id);
    assert.equal(audit[0]!.actor, `staff:${clerk.id}`);
    assert.equal(audit[0]!.details.office, 'POST-A');
  });

  it('reactivation after fraud needs a second, different supervisor; both staff are in the audit log', async () => {
    const id = await activatedCitizen();
    const person = await clerkAgent.navigate(url(`/office/people/${id}`));
    await submit(clerkAgent, await submit(clerkAgent, person, '/suspend', { reason: 'Someone else used the account', fraud: 'yes' }), '/suspend');
    assert.deepEqual(await accountOf(id), { state: 'suspended', suspension: 'fraud' });
    const page = await clerkAgent.navigate(url(`/office/people/${id}`));
    assert.match(page.html, /must approve its reactivation/);
    assert.doesNotMatch(page.html, /\/recover"/, 'no recovery around a fraud suspension');
    const asked = await submit(clerkAgent, page, '/reactivate', { reason: 'Identity checked with the police report' });
    assert.match(asked.html, /A supervisor has been asked/);
    assert.equal((await accountOf(id)).state, 'suspended');

    // A clerk cannot decide; a supervisor can.
    assert.equal((await clerkAgent.navigate(url('/office/approvals'))).status, 403);
    const approvals = await openAsStaff(hawiya, supervisorAgent, '/office/approvals', supervisor);
    assert.match(approvals.html, /Reactivate after suspected fraud/);
    assert.match(approvals.html, /Approving reactivates the account at once/);
    const approved = await submit(supervisorAgent, approvals, `/office/approvals/${(await db().query<{ id: string }>('SELECT id FROM approval_requests WHERE subject = $1', [id])).rows[0]!.id}`, { decision: 'approve' });
    assert.match(approved.html, /Approved/);
    assert.deepEqual(await accountOf(id), { state: 'awaiting_password', suspension: null });
    const decision = await auditOf('approval.approved', id);
    assert.equal(decision[0]!.actor, `staff:${supervisor.id}`);
    assert.equal(decision[0]!.details.requestedBy, clerk.id);
    assert.equal(decision[0]!.details.decidedBy, supervisor.id);
  });

  it('an override of a registry mismatch is refused to its own requester and approved by another supervisor', async () => {
    const record = records.shift()!;
    const form = await openAsStaff(hawiya, supervisorAgent, '/office/register', supervisor);
    const screen = await submit(supervisorAgent, form, '/office/register', {
      civilNumber: record.civilNumber, givenName: 'Karima', familyName: record.names.lat.family, locale: 'en',
      'birthDate-day': record.birthDate.slice(8), 'birthDate-month': record.birthDate.slice(5, 7), 'birthDate-year': record.birthDate.slice(0, 4),
    });
    const applicationId = screen.url.split('/').at(-1)!;
    await submit(supervisorAgent, screen, '/override', { reason: 'Spelling differs on the card' });
    const { rows } = await db().query<{ id: string }>('SELECT id FROM approval_requests WHERE subject = $1', [applicationId]);
    const own = await supervisorAgent.navigate(url('/office/approvals'));
    assert.match(own.html, /You asked for this/);
    const csrf = hiddenInput((await supervisorAgent.navigate(url('/office/register'))).html, 'csrf');
    const self = await supervisorAgent.request(url(`/office/approvals/${rows[0]!.id}`), { form: { csrf, decision: 'approve' } });
    assert.equal(self.status, 403);
    assert.equal((await db().query<{ state: string }>('SELECT state FROM applications WHERE id = $1', [applicationId])).rows[0]!.state, 'awaiting_override');

    const other = new UserAgent();
    const list = await openAsStaff(hawiya, other, '/office/approvals', secondSupervisor);
    await submit(other, list, `/office/approvals/${rows[0]!.id}`, { decision: 'approve' });
    assert.equal((await db().query<{ state: string }>('SELECT state FROM applications WHERE id = $1', [applicationId])).rows[0]!.state, 'awaiting_verification');
    const audit = await db().query<{ actor: string }>(`SELECT actor FROM audit_log WHERE action IN ('approval.requested', 'approval.approved') AND details ->> 'approval' = $1 ORDER BY seq`, [rows[0]!.id]);
    assert.deepEqual(audit.rows.map((row) => row.actor), [`staff:${supervisor.id}`, `staff:${secondSupervisor.id}`]);
  });

  it('recovers in person after a confirmation naming what is revoked, with a new code on a slip in the citizen\'s language', async () => {
    const id = await activatedCitizen();
    await db().query(`INSERT INTO oidc_model (model, id, payload) VALUES ('Session', 'recovery-test', $1)`, [{ accountId: id }]);
    const person = await clerkAgent.navigate(url(`/office/people/${id}`));
    const confirm = await submit(clerkAgent, person, '/recover');
    assert.match(confirm.html, /All sessions, all services&#39; access, the password and every sign-in factor will be revoked/);
    const slip = await submit(clerkAgent, confirm, '/recover');
    assert.equal(slip.status, 200);
    assert.equal(slip.headers.get('cache-control'), 'no-store');
    assert.match(slip.html, /<html lang="fr"/);
    assert.match(slip.html, /Votre nouveau code d&#39;activation Hawiya/);
    assert.match(slip.html, /class="activation-code">[0-9A-Z]{4}-/);
    assert.equal((await db().query(`SELECT 1 FROM oidc_model WHERE payload ->> 'accountId' = $1`, [id])).rows.length, 0);
    assert.equal((await db().query<{ purpose: string }>('SELECT purpose FROM activation_codes WHERE account_id = $1', [id])).rows[0]!.purpose, 'recovery');
  });

  // A signing certificate for the person, as the account pages would issue it.
  async function certificateOf(id: string): Promise<string> {
    const { services } = hawiya.hawiya;
    const ca = (await loadCa(services.db)) ? await services.signing.ca() : await services.signing.initCa('test');
    const person = (await services.persons.findById(id))!;
    return (await issueCertificate(services.signing, ca, { person, holder: 'remote' }, { actor: 'test' })).serial;
  }
  const revocationOf = async (serial: string) => (await db().query<{ revocation_reason: string | null }>('SELECT revocation_reason FROM signing_certificates WHERE serial = $1', [serial])).rows[0]!.revocation_reason;

  it('revokes a citizen\'s signing certificates at the counter, after a confirmation naming the effect, and audits the clerk', async () => {
    const id = await activatedCitizen();
    const serial = await certificateOf(id);
    const person = await clerkAgent.navigate(url(`/office/people/${id}`));
    const confirm = await submit(clerkAgent, person, '/revoke-signing', { compromised: 'yes' });
    assert.match(confirm.html, /Every signing certificate of this citizen stops working at once/);
    assert.equal(await revocationOf(serial), null, 'nothing is revoked before the confirmation');
    const done = await submit(clerkAgent, confirm, '/revoke-signing');
    assert.match(done.html, /The signing certificates are revoked/);
    assert.equal(await revocationOf(serial), 'key_compromise');
    const [audit] = await auditOf('signing.certificate.revoked', id);
    assert.equal(audit!.actor, `staff:${clerk.id}`);
  });

  it('an in-person recovery revokes the signing certificates too', async () => {
    const id = await activatedCitizen();
    const serial = await certificateOf(id);
    const person = await clerkAgent.navigate(url(`/office/people/${id}`));
    await submit(clerkAgent, await submit(clerkAgent, person, '/recover'), '/recover');
    assert.equal(await revocationOf(serial), 'key_compromise');
  });

  it('the staff list is for registrar-admins only; removal asks first and names its effect', async () => {
    assert.equal((await clerkAgent.navigate(url('/office/admin/staff'))).status, 403);
    const adminAgent = new UserAgent();
    const home = await openAsStaff(hawiya, adminAgent, '/office', admin);
    assert.equal(home.url, url('/office/admin/staff'));
    assert.match(home.html, /Office staff/);
    const newcomer = await newStaffPerson(hawiya);
    const { rows } = await db().query<{ eid: string }>('SELECT eid FROM persons WHERE id = $1', [newcomer.id]);
    const eid = rows[0]!.eid;

    const refused = await submit(adminAgent, home, '/office/admin/staff', { eid, role: 'clerk', office: '' });
    assert.equal(refused.status, 400);
    assert.match(refused.html, /<a href="#office">/);
    const added = await submit(adminAgent, home, '/office/admin/staff', { eid, role: 'clerk', office: 'INT-B' });
    assert.match(added.html, /The staff list is updated/);
    assert.equal((await hawiya.hawiya.services.staff.find(newcomer.id))?.officeCode, 'INT-B');
    assert.equal((await auditOf('staff.added', newcomer.id))[0]!.actor, `staff:${admin.id}`);

    const confirm = await adminAgent.navigate(url('/office/admin/staff/remove'), { form: { csrf: hiddenInput(added.html, 'csrf'), eid } });
    assert.match(confirm.html, /lose access to the counter at their next click/);
    assert.ok(await hawiya.hawiya.services.staff.find(newcomer.id));
    const removed = await submit(adminAgent, confirm, '/office/admin/staff/remove');
    assert.match(removed.html, /no longer on the staff list/);
    assert.equal(await hawiya.hawiya.services.staff.find(newcomer.id), null);
    const forged = await adminAgent.request(url('/office/admin/staff/remove'), { form: { eid: rows[0]!.eid, confirmed: 'yes' } });
    assert.equal(forged.status, 403);
  });
});
