// The enrolment domain on the chosen backend: registration against a real (file) civil
// registry connector, the application's and the account's state machines, and four eyes.
// The pages and the counter app are tested through HTTP in test/http/.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, backend, type TestDb } from '../support/harness.ts';
import { fictionalRecord } from '../support/relying-party.ts';
import { jsonLines } from '../support/registry-records.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createManualClock } from '../../src/clock.ts';
import { createFileRegistry } from '../../src/register/civil-registry-file.ts';
import { enterPerson } from '../../src/register/register.ts';
import { createPasswordHasher } from '../../src/authn/passwords.ts';
import { createOfficeQueries } from '../../src/enrolment/offices.ts';
import { createStaffQueries, type StaffMember } from '../../src/enrolment/staff.ts';
import { createApplicationQueries } from '../../src/enrolment/applications.ts';
import { submitApplication, submitAssistedApplication, applicationStatus, registrationSchema, type Registration } from '../../src/enrolment/registration.ts';
import { activateApplication, rejectApplication, type Evidence } from '../../src/enrolment/verification.ts';
import { checkActivationCode, setFirstPassword, completeActivation } from '../../src/enrolment/activation-codes.ts';
import { suspendAccount, suspendOwnAccount, reactivate, recoverInPerson } from '../../src/enrolment/lifecycle.ts';
import { requestApproval, decideApproval, pendingApprovals } from '../../src/enrolment/approvals.ts';
import { formatReference, parseReference, generateReference, hashActivationCode } from '../../src/enrolment/codes.ts';
import { verifyAuditChain } from '../../src/audit/audit-log.ts';
import type { RegistryRecord } from '../../src/register/person.ts';
import type { AppError } from '../../src/errors.ts';

const hasher = createPasswordHasher({ memoryCost: 19456, timeCost: 2, parallelism: 1 });

const evidence: Evidence = {
  documentType: 'idcard', documentNumber: 'AB123456', issuer: 'Ministry of Interior', expiresOn: '2031-05-01', photoMatches: true, documentGenuine: true,
};

function registrationOf(record: RegistryRecord, extra: Partial<Registration> = {}): Registration {
  return {
    civilNumber: record.civilNumber, givenName: record.names.lat.given, familyName: record.names.lat.family, birthDate: record.birthDate,
    email: 'citizen@example.org', officeCode: 'PO-CENTRAL', locale: 'fr', ...extra,
  };
}

const rejectsWith = (code: string) => (err: unknown) => (err as AppError).code === code;

describe(`enrolment (${backend})`, function () {
  this.timeout(60_000);
  let testDb: TestDb;
  let dir: string;
  const clock = createManualClock(new Date('2026-11-22T09:00:00Z'));
  const citizens = Array.from({ length: 12 }, () => fictionalRecord());
  const staffRecords = Array.from({ length: 4 }, () => fictionalRecord());
  let clerk: StaffMember;
  let supervisor: StaffMember;
  let otherSupervisor: StaffMember;
  let elsewhere: StaffMember;
  let deps: { db: TestDb['db']; clock: typeof clock; registry: ReturnType<typeof createFileRegistry>; eidLength: number; applicationDays: number };
  const at = (staff: StaffMember) => ({ staff, requestId: 'test' });

  before(async () => {
    testDb = await createTestDb();
    await migrate(testDb.db);
    dir = mkdtempSync(join(tmpdir(), 'hawiya-enrolment-'));
    writeFileSync(join(dir, 'registry.jsonl'), jsonLines([...citizens, ...staffRecords]));
    deps = { db: testDb.db, clock, registry: createFileRegistry(join(dir, 'registry.jsonl')), eidLength: 12, applicationDays: 30 };
    const offices = createOfficeQueries(deps);
    await offices.save({ code: 'PO-CENTRAL', kind: 'post', names: { ar: 'البريد المركزي', fr: 'Poste centrale', en: 'Central post office' }, region: 'Capital', active: true }, 'test');
    await offices.save({ code: 'MI-NORTH', kind: 'interior', names: { ar: 'مكتب الشمال', fr: 'Bureau du Nord', en: 'North office' }, region: 'North', active: true }, 'test');
    await offices.save({ code: 'PO-CLOSED', kind: 'post', names: { ar: 'مغلق', fr: 'Fermé', en: 'Closed' }, region: 'North', active: false }, 'test');
    const staff = createStaffQueries(deps);
    const eids = [];
    for (const record of staffRecords) eids.push((await enterPerson(deps, record, { actor: 'test' })).eid);
    clerk = await staff.add({ eid: eids[0]!, role: 'clerk', officeCode: 'PO-CENTRAL' }, 'test');
    supervisor = await staff.add({ eid: eids[1]!, role: 'supervisor', officeCode: 'PO-CENTRAL' }, 'test');
    otherSupervisor = await staff.add({ eid: eids[2]!, role: 'supervisor', officeCode: 'PO-CENTRAL' }, 'test');
    elsewhere = await staff.add({ eid: eids[3]!, role: 'clerk', officeCode: 'MI-NORTH' }, 'test');
  });

  after(async () => {
    await testDb.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('codes', () => {
    it('catches every single wrong character and every swap of neighbours in a reference', () => {
      for (let n = 0; n < 50; n++) {
        const reference = generateReference();
        assert.equal(parseReference(formatReference(reference).toLowerCase()), reference);
        for (let i = 0; i < reference.length; i++) {
          for (const other of '0123456789ABCDEFGHJKMNPQRSTVWXYZ') {
            if (other === reference[i]) continue;
            assert.equal(parseReference(reference.slice(0, i) + other + reference.slice(i + 1)), null, `${reference} with ${other} at ${i}`);
          }
          if (i + 1 < reference.length && reference[i] !== reference[i + 1]) {
            const swapped = reference.slice(0, i) + reference[i + 1] + reference[i] + reference.slice(i + 2);
            assert.equal(parseReference(swapped), null, `${reference} swapped at ${i}`);
          }
        }
      }
    });

    it('reads an activation code however it is typed, and nothing else', () => {
      assert.equal(hashActivationCode('abcd-efgh-jkmn-pqrs'), hashActivationCode('ABCDEFGHJKMNPQRS'));
      assert.equal(hashActivationCode('0O1I-EFGH-JKMN-PQRS'), hashActivationCode('0011EFGHJKMNPQRS'));
      assert.equal(hashActivationCode('ABCD'), null);
      assert.equal(hashActivationCode('ABCD-EFGH-JKMN-PQR*'), null);
    });
  });

  describe('registration', () => {
    it('opens an application on a match, with a reference, the office and a 30-day expiry', async () => {
      const application = await submitApplication(deps, registrationOf(citizens[0]!), {});
      assert.equal(application.state, 'awaiting_verification');
      assert.equal(parseReference(application.reference), application.reference);
      assert.equal(application.officeCode, 'PO-CENTRAL');
      assert.equal(application.expiresAt.getTime() - clock.now().getTime(), 30 * 24 * 3600 * 1000);
      const { rows } = await testDb.db.query<{ count: string }>('SELECT count(*) FROM persons WHERE civil_number = $1', [citizens[0]!.civilNumber]);
      assert.equal(Number(rows[0]!.count), 1);
    });

    it('gives the same answer for an unknown civil number and for mismatched details', async () => {
      const unknown = fictionalRecord();
      await assert.rejects(submitApplication(deps, registrationOf(unknown), {}), rejectsWith('registration_not_matched'));
      await assert.rejects(submitApplication(deps, registrationOf(citizens[1]!, { birthDate: '1991-01-02' }), {}), rejectsWith('registration_not_matched'));
      await assert.rejects(submitApplication(deps, registrationOf(citizens[1]!, { givenName: 'Samir' }), {}), rejectsWith('registration_not_matched'));
      const { rows } = await testDb.db.query<{ count: string }>('SELECT count(*) FROM applications a JOIN persons p ON p.id = a.person_id WHERE p.civil_number = ANY($1)', [[unknown.civilNumber, citizens[1]!.civilNumber]]);
      assert.equal(Number(rows[0]!.count), 0);
    });

    it('matches a name typed in Arabic script', async () => {
      const record = citizens[1]!;
      const application = await submitApplication(deps, registrationOf(record, { givenName: record.names.ar.given, familyName: record.names.ar.family }), {});
      assert.equal(application.state, 'awaiting_verification');
    });

    it('allows one open application per person, also when two arrive at once', async () => {
      const record = citizens[2]!;
      const results = await Promise.allSettled([
        submitApplication({ ...deps, db: testDb.reopen() }, registrationOf(record), {}),
        submitApplication({ ...deps, db: testDb.reopen() }, registrationOf(record), {}),
      ]);
      assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
      const refused = results.find((result) => result.status === 'rejected');
      assert.equal((refused?.reason as AppError).code, 'application_exists');
    });

    it('lets a person register again once the earlier application has expired', async () => {
      const record = citizens[3]!;
      const first = await submitApplication(deps, registrationOf(record), {});
      clock.advance(31 * 24 * 3600);
      const second = await submitApplication(deps, registrationOf(record), {});
      assert.notEqual(second.reference, first.reference);
      const status = await applicationStatus(deps, { reference: first.reference, birthDate: record.birthDate });
      assert.equal(status?.state, 'expired');
    });

    it('refuses an unknown or closed office, and asks for a way to reach the citizen', async () => {
      await assert.rejects(submitApplication(deps, registrationOf(citizens[4]!, { officeCode: 'NOPE' }), {}), (err) => (err as AppError).fields.officeCode === 'fields.officeCode.unknown');
      await assert.rejects(submitApplication(deps, registrationOf(citizens[4]!, { officeCode: 'PO-CLOSED' }), {}), (err) => (err as AppError).fields.officeCode === 'fields.officeCode.unknown');
      const { email: _email, ...noContact } = registrationOf(citizens[4]!);
      await assert.rejects(submitApplication(deps, noContact, {}), (err) => (err as AppError).fields.email === 'fields.contact.required');
    });

    it('names each wrong field with its own message key', () => {
      const parsed = registrationSchema.safeParse({ civilNumber: '1234567890', givenName: '', familyName: '123', birthDate: '1990-02-30', email: 'x', officeCode: 'PO', locale: 'fr' });
      assert.equal(parsed.success, false);
      // The first problem of each field is the one shown.
      const byField: Record<string, string> = {};
      for (const issue of parsed.error!.issues) byField[issue.path.join('.')] ??= issue.message;
      assert.deepEqual(byField, {
        civilNumber: 'fields.civilNumber.invalid',
        givenName: 'fields.givenName.required',
        familyName: 'fields.familyName.invalid',
        birthDate: 'fields.birthDate.invalid',
        email: 'fields.email.invalid',
      });
    });

    it('answers the status page only with the right reference and birth date', async () => {
      const record = citizens[5]!;
      const application = await submitApplication(deps, registrationOf(record), {});
      assert.equal((await applicationStatus(deps, { reference: formatReference(application.reference), birthDate: record.birthDate }))?.state, 'awaiting_verification');
      assert.equal(await applicationStatus(deps, { reference: application.reference, birthDate: '1970-01-01' }), null);
      assert.equal(await applicationStatus(deps, { reference: 'AAAAAAAAA', birthDate: record.birthDate }), null);
    });
  });

  describe('verification, activation and the first sign-in', () => {
    it('activates once, issues a code, and the first password then a factor make the account active', async () => {
      const record = citizens[6]!;
      const application = await submitApplication(deps, registrationOf(record, { usernameAlias: 'salma.k' }), {});
      await assert.rejects(activateApplication(deps, { applicationId: application.id, evidence }, at(elsewhere)), rejectsWith('forbidden'));
      await assert.rejects(
        activateApplication(deps, { applicationId: application.id, evidence: { ...evidence, expiresOn: '2020-01-01' } }, at(clerk)),
        (err) => (err as AppError).fields.expiresOn === 'fields.expiresOn.expired',
      );
      const activation = await activateApplication(deps, { applicationId: application.id, evidence }, at(clerk));
      assert.equal(activation.username, 'salma.k');
      assert.equal(activation.replacedAccount, false);
      await assert.rejects(activateApplication(deps, { applicationId: application.id, evidence }, at(clerk)), rejectsWith('application_closed'));
      await assert.rejects(rejectApplication(deps, { applicationId: application.id, reason: 'changed my mind' }, at(clerk)), rejectsWith('application_closed'));

      const { rows: code } = await testDb.db.query<{ code_hash: string }>('SELECT code_hash FROM activation_codes WHERE account_id = $1', [application.personId]);
      assert.notEqual(code[0]!.code_hash, activation.activationCode, 'the code is stored hashed');
      assert.equal(await checkActivationCode(testDb.db, clock, { username: 'SALMA.K ', code: activation.activationCode.toLowerCase() }), application.personId);

      const accountId = await setFirstPassword({ db: testDb.db, clock, hasher }, { username: 'salma.k', code: activation.activationCode, password: 'a long enough passphrase' });
      assert.equal(accountId, application.personId);
      await assert.rejects(
        setFirstPassword({ db: testDb.db, clock, hasher }, { username: 'salma.k', code: activation.activationCode, password: 'another passphrase here' }),
        rejectsWith('activation_failed'),
      );
      assert.equal(await completeActivation({ db: testDb.db, clock }, { accountId }), false, 'no second factor yet');
      await testDb.db.query('INSERT INTO totp_factors (account_id, secret_sealed, confirmed_at, created_at) VALUES ($1, $2, $3, $3)', [accountId, Buffer.from('x'), clock.now()]);
      assert.equal(await completeActivation({ db: testDb.db, clock }, { accountId }), true);
      const { rows } = await testDb.db.query<{ state: string; verified: boolean }>('SELECT state, verified_in_person_at IS NOT NULL AS verified FROM accounts WHERE id = $1', [accountId]);
      assert.deepEqual(rows[0], { state: 'active', verified: true });
      const { rows: notices } = await testDb.db.query<{ template: string }>('SELECT template FROM outbox WHERE account_id = $1 ORDER BY created_at, template', [accountId]);
      assert.deepEqual(notices.map((notice) => notice.template).sort(), ['account_activated', 'activation_slip_issued']);
    });

    it('refuses an activation code after 14 days, and an activation of an expired application', async () => {
      const record = citizens[7]!;
      const application = await submitApplication(deps, registrationOf(record), {});
      const activation = await activateApplication(deps, { applicationId: application.id, evidence }, at(clerk));
      clock.advance(15 * 24 * 3600);
      await assert.rejects(
        setFirstPassword({ db: testDb.db, clock, hasher }, { username: activation.username, code: activation.activationCode, password: 'a long enough passphrase' }),
        rejectsWith('activation_failed'),
      );
      const late = await submitApplication(deps, registrationOf(citizens[8]!), {});
      clock.advance(31 * 24 * 3600);
      await assert.rejects(activateApplication(deps, { applicationId: late.id, evidence }, at(clerk)), rejectsWith('application_expired'));
    });

    it('rejects with a reason, after which nothing can activate it', async () => {
      const application = await submitApplication(deps, registrationOf(citizens[9]!), {});
      const rejected = await rejectApplication(deps, { applicationId: application.id, reason: 'photo does not match' }, at(clerk));
      assert.equal(rejected.state, 'rejected');
      await assert.rejects(activateApplication(deps, { applicationId: application.id, evidence }, at(clerk)), rejectsWith('application_closed'));
    });
  });

  describe('assisted enrolment and four eyes', () => {
    it('holds a mismatch for a supervisor other than the requester, then lets the clerk verify', async () => {
      const record = citizens[10]!;
      const application = await submitAssistedApplication(deps, registrationOf(record, { givenName: 'Someone', email: undefined }), at(clerk));
      assert.equal(application.state, 'awaiting_override');
      assert.deepEqual(application.mismatches, ['givenName']);
      await assert.rejects(activateApplication(deps, { applicationId: application.id, evidence }, at(clerk)), rejectsWith('application_closed'));
      const request = await requestApproval(deps, { kind: 'override_mismatch', subject: application.id, reason: 'civil registry spelling' }, at(supervisor));
      await assert.rejects(requestApproval(deps, { kind: 'override_mismatch', subject: application.id, reason: 'again' }, at(clerk)), rejectsWith('approval_required'));
      await assert.rejects(decideApproval(deps, { approvalId: request.id, approve: true }, at(supervisor)), rejectsWith('forbidden'), 'not the requester');
      await assert.rejects(decideApproval(deps, { approvalId: request.id, approve: true }, at(clerk)), rejectsWith('forbidden'), 'not a clerk');
      assert.equal((await pendingApprovals(testDb.db, 'PO-CENTRAL')).length, 1);
      await decideApproval(deps, { approvalId: request.id, approve: true }, at(otherSupervisor));
      assert.equal((await createApplicationQueries(deps).findById(application.id))?.state, 'awaiting_verification');
      await activateApplication(deps, { applicationId: application.id, evidence }, at(clerk));
      const { rows } = await testDb.db.query<{ details: Record<string, unknown> }>(`SELECT details FROM audit_log WHERE action = 'approval.approved' AND subject = $1`, [application.id]);
      assert.equal(rows[0]!.details.requestedBy, supervisor.personId);
      assert.equal(rows[0]!.details.decidedBy, otherSupervisor.personId);
    });

    it('refuses assisted enrolment for another office', async () => {
      await assert.rejects(submitAssistedApplication(deps, registrationOf(citizens[11]!, { officeCode: 'MI-NORTH' }), at(clerk)), rejectsWith('forbidden'));
    });
  });

  describe('the account after activation', () => {
    let personId: string;

    before(async () => {
      const record = citizens[11]!;
      const application = await submitApplication(deps, registrationOf(record), {});
      const activation = await activateApplication(deps, { applicationId: application.id, evidence }, at(clerk));
      personId = await setFirstPassword({ db: testDb.db, clock, hasher }, { username: activation.username, code: activation.activationCode, password: 'a long enough passphrase' });
      await testDb.db.query('INSERT INTO totp_factors (account_id, secret_sealed, confirmed_at, created_at) VALUES ($1, $2, $3, $3)', [personId, Buffer.from('x'), clock.now()]);
      await completeActivation({ db: testDb.db, clock }, { accountId: personId });
    });

    const stateOf = async () => (await testDb.db.query<{ state: string; suspension: string | null }>('SELECT state, suspension FROM accounts WHERE id = $1', [personId])).rows[0];

    it('is suspended by its holder, and reactivated only at its office', async () => {
      await testDb.db.query(`INSERT INTO oidc_model (model, id, payload) VALUES ('Session', 's-1', $1)`, [{ accountId: personId }]);
      await suspendOwnAccount(deps, { accountId: personId });
      assert.deepEqual(await stateOf(), { state: 'suspended', suspension: 'citizen_request' });
      const { rows: found } = await testDb.db.query(`SELECT 1 FROM oidc_model WHERE payload ->> 'accountId' = $1`, [personId]);
      assert.equal(found.length, 0, 'sessions end with the suspension');
      await assert.rejects(reactivate(deps, { personId, reason: 'in person' }, at(elsewhere)), rejectsWith('forbidden'));
      await reactivate(deps, { personId, reason: 'came in person' }, at(clerk));
      assert.deepEqual(await stateOf(), { state: 'active', suspension: null });
    });

    it('needs four eyes to reactivate after a fraud suspension', async () => {
      await suspendAccount(deps, { personId, fraud: true, reason: 'stolen identity report' }, at(clerk));
      await assert.rejects(reactivate(deps, { personId, reason: 'cleared' }, at(clerk)), rejectsWith('approval_required'));
      await assert.rejects(recoverInPerson(deps, { personId }, at(clerk)), rejectsWith('approval_required'));
      const request = await requestApproval(deps, { kind: 'reactivate_after_fraud', subject: personId, reason: 'police report cleared' }, at(clerk));
      await decideApproval(deps, { approvalId: request.id, approve: true }, at(supervisor));
      assert.deepEqual(await stateOf(), { state: 'active', suspension: null });
    });

    it('recovers in person: new code, and every factor and session revoked', async () => {
      await testDb.db.query(`INSERT INTO oidc_model (model, id, payload) VALUES ('Grant', 'g-1', $1)`, [{ accountId: personId }]);
      const recovery = await recoverInPerson(deps, { personId }, at(clerk));
      assert.deepEqual(await stateOf(), { state: 'awaiting_password', suspension: null });
      const { rows } = await testDb.db.query<{ factors: string; provider: string; hash: string | null }>(
        `SELECT (SELECT count(*) FROM totp_factors WHERE account_id = $1) + (SELECT count(*) FROM passkeys WHERE account_id = $1) AS factors,
           (SELECT count(*) FROM oidc_model WHERE payload ->> 'accountId' = $1::text) AS provider,
           (SELECT password_hash FROM accounts WHERE id = $1) AS hash`,
        [personId],
      );
      assert.deepEqual({ ...rows[0], factors: Number(rows[0]!.factors), provider: Number(rows[0]!.provider) }, { factors: 0, provider: 0, hash: null });
      assert.equal(await checkActivationCode(testDb.db, clock, { username: recovery.username, code: recovery.activationCode }), personId);
    });

    it('keeps the audit chain whole, naming the clerk and the office', async () => {
      assert.deepEqual(await verifyAuditChain(testDb.db), { ok: true, records: (await verifyAuditChain(testDb.db) as { records: number }).records });
      const { rows } = await testDb.db.query<{ actor: string; details: Record<string, unknown> }>(`SELECT actor, details FROM audit_log WHERE action = 'account.recovered' AND subject = $1`, [personId]);
      assert.equal(rows[0]!.actor, `staff:${clerk.personId}`);
      assert.equal(rows[0]!.details.office, 'PO-CENTRAL');
    });
  });
});
