// The online registration as a citizen meets it: one question per page, errors named in
// the page and its summary, one answer for an unknown number and for mismatched details,
// one open application per person, the confirmation slip, the status page, the limit.
import assert from 'node:assert/strict';
import { backend } from '../support/harness.ts';
import { UserAgent, hiddenInput, type Page } from '../support/user-agent.ts';
import { startEnrolmentWorld, type EnrolmentWorld } from '../support/enrolment.ts';
import { fictionalRecord } from '../support/relying-party.ts';
import type { RegistryRecord } from '../../src/register/person.ts';

type Answers = Record<string, Record<string, string>>;

function answersOf(record: RegistryRecord, overrides: Answers = {}): Answers {
  const [year, month, day] = record.birthDate.split('-');
  return {
    'civil-number': { civilNumber: record.civilNumber },
    name: { givenName: record.names.lat.given, familyName: record.names.lat.family },
    'birth-date': { day: String(Number(day)), month: String(Number(month)), year: year! },
    contact: { phone: '+216 20 123 456', email: '' },
    username: { usernameAlias: '' },
    office: { officeCode: 'PO-CENTRAL' },
    ...overrides,
  };
}

describe(`registration pages (${backend})`, function () {
  this.timeout(60_000);
  let world: EnrolmentWorld;
  let next = 0;
  const citizen = () => world.citizens[next++]!;
  const url = (path: string) => `${world.hawiya.url}${path}`;

  before(async () => {
    world = await startEnrolmentWorld({ citizens: 8, config: { throttle: { registration: { maxFailures: 12, windowSeconds: 3600, lockSeconds: 3600 } } } });
  });

  after(async () => {
    await world.close();
  });

  async function post(agent: UserAgent, page: Page, path: string, fields: Record<string, string>): Promise<Page> {
    return agent.navigate(url(path), { form: { csrf: hiddenInput(page.html, 'csrf'), ...fields } });
  }

  // Every question, then the check page.
  async function answerAll(agent: UserAgent, answers: Answers): Promise<Page> {
    let page = await agent.navigate(url('/register/civil-number'));
    for (const [slug, fields] of Object.entries(answers)) {
      assert.equal(new URL(page.url).pathname, `/register/${slug}`);
      page = await post(agent, page, `/register/${slug}`, fields);
    }
    assert.equal(new URL(page.url).pathname, '/register/check');
    return page;
  }

  async function register(record: RegistryRecord, overrides: Answers = {}, agent = new UserAgent()): Promise<Page> {
    const check = await answerAll(agent, answersOf(record, overrides));
    return post(agent, check, '/register/check', {});
  }

  it('goes from the first question to a confirmation with the reference, its QR code, the office and the date', async () => {
    const agent = new UserAgent();
    const start = await agent.navigate(url('/register'));
    assert.match(start.html, /href="\/register\/civil-number"/);
    const record = citizen();
    const check = await answerAll(agent, answersOf(record));
    assert.match(check.html, /Check your answers/);
    assert.match(check.html, new RegExp(`<bdi dir="ltr" class="number">${record.civilNumber}</bdi>`));
    assert.match(check.html, /Central post office/);
    assert.match(check.html, /href="\/register\/name\?from=check"/);
    const done = await post(agent, check, '/register/check', {});
    assert.equal(new URL(done.url).pathname, '/register/confirmation');
    const reference = /class="reference-code"><bdi dir="ltr">([0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3})<\/bdi>/.exec(done.html)?.[1];
    assert.ok(reference, 'the reference, formatted and isolated');
    assert.match(done.html, /<div role="img" aria-label="QR code of your application reference" class="qr"><svg /);
    assert.match(done.html, /Go in person to Central post office/);
    assert.match(done.html, /identity document/);
    assert.match(done.html, /<time datetime="\d{4}-\d{2}-\d{2}">[A-Z][a-z]+ \d{1,2}, \d{4}<\/time>/);
    assert.match(done.html, /data-print hidden/);
    assert.match(done.html, /<script src="\/static\/print.js"><\/script>/);
    const { rows } = await world.testDb.db.query<{ state: string; phone: string; locale: string }>(
      'SELECT state, phone, locale FROM applications WHERE reference = $1', [reference!.replaceAll('-', '')],
    );
    assert.deepEqual(rows[0], { state: 'awaiting_verification', phone: '+21620123456', locale: 'en' });

    // The status page finds it from the reference and the birth date, typed loosely.
    const statusPage = await agent.navigate(url('/register/status'));
    const [year, month, day] = record.birthDate.split('-');
    const found = await post(agent, statusPage, '/register/status', { reference: reference!.toLowerCase(), day: day!, month: month!, year: year! });
    assert.equal(found.status, 200);
    assert.match(found.html, /Waiting for your visit to Central post office, until/);
    // A forged reference (check symbol wrong) and a garbled one get one answer.
    const forged = `${reference!.slice(0, -1)}${reference!.endsWith('0') ? '1' : '0'}`;
    const a = await post(agent, statusPage, '/register/status', { reference: forged, day: day!, month: month!, year: year! });
    const b = await post(agent, statusPage, '/register/status', { reference: '%%%-garbled', day: day!, month: month!, year: year! });
    const c = await post(agent, statusPage, '/register/status', { reference: reference!, day: day!, month: month!, year: String(Number(year) + 1) });
    for (const page of [a, b, c]) {
      assert.equal(page.status, 404);
      assert.match(page.html, /We found no application with these details/);
    }
  });

  it('is Arabic and right to left for an Arabic browser, and keeps the birth date in three fields', async () => {
    const agent = new UserAgent();
    agent.headers['accept-language'] = 'ar';
    const page = await agent.navigate(url('/register/birth-date'));
    assert.match(page.html, /<html lang="ar" dir="rtl">/);
    assert.match(page.html, /ما تاريخ ولادتك؟/);
    for (const part of ['bday-day', 'bday-month', 'bday-year']) assert.match(page.html, new RegExp(`autocomplete="${part}"`));
  });

  it('names every field in error in the page and in the summary, and keeps what was typed', async () => {
    const agent = new UserAgent();
    const cases: Array<[string, Record<string, string>, string[], RegExp]> = [
      ['civil-number', { civilNumber: '' }, ['civilNumber'], /Enter your civil registry number/],
      ['civil-number', { civilNumber: '1234567891' }, ['civilNumber'], /value="1234567891"/],
      ['name', { givenName: '', familyName: '' }, ['givenName', 'familyName'], /Enter your family name/],
      ['name', { givenName: 'Salma', familyName: '1234' }, ['familyName'], /value="Salma"/],
      ['birth-date', { day: '31', month: '2', year: '1990' }, ['birthDate'], /value="31"/],
      ['birth-date', { day: '', month: '', year: '' }, ['birthDate'], /Enter your date of birth/],
      ['contact', { phone: '', email: '' }, ['email'], /Enter an email address or a phone number/],
      ['contact', { phone: '12', email: 'not-an-email' }, ['email', 'phone'], /value="not-an-email"/],
      ['username', { usernameAlias: '9lives' }, ['usernameAlias'], /value="9lives"/],
      ['office', { officeCode: 'PO-SHUT' }, ['officeCode'], /Choose an office from the list/],
    ];
    for (const [slug, fields, named, kept] of cases) {
      const page = await agent.navigate(url(`/register/${slug}`));
      const result = await post(agent, page, `/register/${slug}`, fields);
      assert.equal(result.status, 400, slug);
      const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(result.html)?.[0] ?? '';
      for (const field of named) {
        assert.match(summary, new RegExp(`href="#${field}"`), `${slug}: summary links ${field}`);
        assert.match(result.html, new RegExp(`id="${field}"[^>]*aria-invalid="true"|id="${field}-error"`), `${slug}: ${field} marked`);
      }
      assert.match(result.html, kept, slug);
    }
  });

  it('gives one answer, on the check page, for an unknown civil number and for details that do not match', async () => {
    const known = citizen();
    const unknownNumber = fictionalRecord().civilNumber;
    const wrongDate = { ...known, birthDate: '1991-01-02' };
    const unknown = await register({ ...known, civilNumber: unknownNumber, birthDate: '1991-01-02' });
    const mismatch = await register(wrongDate);
    assert.equal(unknown.status, 422);
    assert.equal(mismatch.status, 422);
    const normalise = (page: Page, civilNumber: string) => page.html.replace(/name="csrf" value="[^"]*"/g, '').replaceAll(civilNumber, 'N');
    assert.equal(normalise(unknown, unknownNumber), normalise(mismatch, known.civilNumber));
    assert.match(mismatch.html, /We could not match these details with the civil registry/);
    assert.match(mismatch.html, /href="\/register\/birth-date\?from=check"/, 'the answers stay, each with its change link');
  });

  it('allows one open application per person', async () => {
    const record = citizen();
    const first = await register(record);
    assert.equal(new URL(first.url).pathname, '/register/confirmation');
    const second = await register(record);
    assert.equal(second.status, 409);
    assert.match(second.html, /already in progress/);
  });

  it('refuses a form without its CSRF token, and a token from another browser', async () => {
    const agent = new UserAgent();
    await agent.navigate(url('/register/civil-number'));
    const bare = await agent.request(url('/register/civil-number'), { form: { civilNumber: '1234567897' } });
    assert.equal(bare.status, 403);
    const other = new UserAgent();
    const page = await other.navigate(url('/register/civil-number'));
    const crossed = await agent.request(url('/register/civil-number'), { form: { csrf: hiddenInput(page.html, 'csrf'), civilNumber: '1234567897' } });
    assert.equal(crossed.status, 403);
  });

  it('keeps the answers sealed in an httpOnly, SameSite cookie', async () => {
    const agent = new UserAgent();
    const record = citizen();
    const page = await agent.navigate(url('/register/civil-number'));
    const response = await agent.request(url('/register/civil-number'), { form: { csrf: hiddenInput(page.html, 'csrf'), civilNumber: record.civilNumber } });
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('hawiya_registration='))!;
    assert.match(cookie, /httponly/i);
    assert.match(cookie, /samesite=lax/i);
    assert.match(cookie, /path=\/register/i);
    const value = decodeURIComponent(/^hawiya_registration=([^;]*)/.exec(cookie)![1]!);
    assert.doesNotMatch(Buffer.from(value, 'base64url').toString('latin1'), new RegExp(record.civilNumber));
  });

  it('limits registrations per address, counting every submission', async () => {
    await world.testDb.db.query(`DELETE FROM throttle WHERE key LIKE 'registration:ip:%'`);
    const { maxFailures } = world.hawiya.hawiya.services.config.throttle.registration;
    const agent = new UserAgent();
    const check = await answerAll(agent, answersOf({ ...citizen(), birthDate: '1901-01-01' }));
    for (let attempt = 0; attempt < maxFailures; attempt++) {
      const page = await post(agent, check, '/register/check', {});
      assert.equal(page.status, 422);
    }
    const limited = await post(agent, check, '/register/check', {});
    assert.equal(limited.status, 429);
    assert.match(limited.html, /Too many attempts/);
  });
});
