// The first sign-in, as a citizen meets it: sent by a relying party, they use the
// username and activation code from the counter's slip, choose a password, enrol an
// authenticator app, and arrive back at the relying party signed in at substantial.
import assert from 'node:assert/strict';
import { generate } from 'otplib';
import { createOffsetClock, backend } from '../support/harness.ts';
import { registerClient, discover, authorizationRequest, REDIRECT_URI, oidc } from '../support/relying-party.ts';
import { UserAgent, hiddenInput, formAction, type Page } from '../support/user-agent.ts';
import { startEnrolmentWorld, activatedAccount, type EnrolmentWorld } from '../support/enrolment.ts';
import { ACR } from '../../src/authn/assurance.ts';

const SECRET = 'first-sign-in-client-secret-0123456789-abcdef';
const PASSWORD = 'olive grove by the sea 42';

describe(`first sign-in (${backend})`, function () {
  this.timeout(60_000);
  const clock = createOffsetClock();
  let world: EnrolmentWorld;
  let next = 0;
  const citizen = () => world.citizens[next++]!;
  const atCallback = (url: string) => url.startsWith(REDIRECT_URI);
  const base = () => world.hawiya.url;

  before(async () => {
    world = await startEnrolmentWorld({ clock, citizens: 10 });
    await registerClient(world.hawiya, { client_id: 'first-rp', client_secret: SECRET, client_name: 'Ministry of Health portal' });
  });

  after(async () => {
    await world.close();
  });

  afterEach(() => clock.reset());

  async function openSignIn(agent = new UserAgent(), params: Record<string, string> = {}) {
    const config = await discover(base(), 'first-rp', SECRET);
    const request = await authorizationRequest(config, params);
    const page = await agent.navigate(request.url.toString(), {}, atCallback);
    assert.equal(page.status, 200);
    return { agent, config, request, page };
  }

  function submit(agent: UserAgent, page: Page, ending: string, fields: Record<string, string>): Promise<Page> {
    const action = new URL(formAction(page.html, ending), base()).toString();
    return agent.navigate(action, { form: { csrf: hiddenInput(page.html, 'csrf'), ...fields } }, atCallback);
  }

  const secretOf = (page: Page) => /id="secret">([^<]+)</.exec(page.html)![1]!.replace(/\s/g, '');
  const totpCode = (secret: string) => generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });

  // From the sign-in page to the password page, with the code.
  async function throughCode(agent: UserAgent, page: Page, account: { username: string; activationCode: string }): Promise<Page> {
    const link = /href="([^"]*\/activate)"/.exec(page.html)?.[1];
    assert.ok(link, 'the sign-in page links to the activation');
    const codePage = await agent.navigate(new URL(link, base()).toString());
    assert.match(codePage.html, /autocomplete="one-time-code"/);
    return submit(agent, codePage, '/activate', { username: account.username, activationCode: account.activationCode });
  }

  async function enrolTotp(agent: UserAgent, factorPage: Page): Promise<Page> {
    assert.match(factorPage.html, /How will you confirm it is you\?/);
    const totpPage = await submit(agent, factorPage, '/activate/factor', { factor: 'totp' });
    assert.match(totpPage.html, /<img class="qr" src="data:image\/svg\+xml;base64,/);
    let page = await submit(agent, totpPage, '/activate/totp', { code: await totpCode(secretOf(totpPage)) });
    if (!atCallback(page.url) && page.html.includes('/confirm"')) page = await submit(agent, page, '/confirm', {});
    return page;
  }

  async function tokensOf(flow: Awaited<ReturnType<typeof openSignIn>>, callback: string) {
    const tokens = await oidc.authorizationCodeGrant(flow.config, new URL(callback), { pkceCodeVerifier: flow.request.verifier, expectedState: flow.request.state });
    return tokens.claims()!;
  }

  it('takes a citizen from the activation code to the relying party at substantial, refusing weak passwords with field messages', async () => {
    const account = await activatedAccount(world, citizen(), { usernameAlias: 'salma.first' });
    const flow = await openSignIn();
    const { agent } = flow;
    const passwordPage = await throughCode(agent, flow.page, account);
    assert.match(passwordPage.url, /\/activate\/password$/);
    assert.match(passwordPage.html, /Step 2 of 4/);
    assert.match(passwordPage.html, /autocomplete="new-password"/);

    const refusals: Array<[Record<string, string>, RegExp, string]> = [
      [{ newPassword: 'short pass', confirmPassword: 'short pass' }, /at least 12 characters/, 'newPassword'],
      [{ newPassword: 'password1234', confirmPassword: 'password1234' }, /too common/, 'newPassword'],
      [{ newPassword: 'my salma.first password', confirmPassword: 'my salma.first password' }, /must not contain your username/, 'newPassword'],
      [{ newPassword: PASSWORD, confirmPassword: `${PASSWORD}!` }, /not the same/, 'confirmPassword'],
    ];
    for (const [fields, message, field] of refusals) {
      const refused = await submit(agent, passwordPage, '/activate/password', fields);
      assert.equal(refused.status, 400);
      assert.match(refused.html, message);
      assert.match(refused.html, new RegExp(`class="error-summary"[\\s\\S]*href="#${field}"`));
      assert.doesNotMatch(refused.html, new RegExp(`value="${fields.newPassword}"`), 'a password is never written back');
    }
    const factorPage = await submit(agent, passwordPage, '/activate/password', { newPassword: PASSWORD, confirmPassword: PASSWORD });
    assert.match(factorPage.url, /\/activate\/factor$/);
    const done = await enrolTotp(agent, factorPage);
    assert.ok(atCallback(done.url), `reached the relying party: ${done.html.slice(0, 300)}`);

    const claims = await tokensOf(flow, done.url);
    assert.equal(claims.acr, ACR.substantial);
    assert.deepEqual([...(claims.amr as string[])].sort(), ['mfa', 'otp', 'pwd']);
    const { rows } = await world.testDb.db.query<{ state: string }>('SELECT state FROM accounts WHERE id = $1', [account.personId]);
    assert.equal(rows[0]!.state, 'active');

    // The code is spent: a second try is refused like any wrong code.
    const again = await openSignIn();
    const replay = await throughCode(again.agent, again.page, account);
    assert.equal(replay.status, 401);
    assert.match(replay.html, /activation code is not right, or the code has expired or been used/);
    // And the person now signs in with the password and the app, like anyone.
    const later = await openSignIn(new UserAgent(), { acr_values: ACR.substantial });
    const second = await submit(later.agent, later.page, '/login', { username: 'salma.first', password: PASSWORD });
    assert.match(second.html, /Code from your authenticator app/);
  });

  it('refuses an expired activation code with the same message as a wrong one', async () => {
    const account = await activatedAccount(world, citizen());
    const wrong = await openSignIn();
    const a = await throughCode(wrong.agent, wrong.page, { ...account, activationCode: 'ABCD-EFGH-JKMN-PQRS' });
    clock.advance(15 * 24 * 3600);
    const expired = await openSignIn();
    const b = await throughCode(expired.agent, expired.page, account);
    assert.equal(a.status, 401);
    assert.equal(b.status, 401);
    const summary = (html: string) => /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0];
    assert.equal(summary(a.html), summary(b.html));
  });

  it('resumes at the second factor when a person who set their password signs in again', async () => {
    const account = await activatedAccount(world, citizen());
    const first = await openSignIn();
    const passwordPage = await throughCode(first.agent, first.page, account);
    await submit(first.agent, passwordPage, '/activate/password', { newPassword: PASSWORD, confirmPassword: PASSWORD });

    // They closed the browser. A wrong password still gets the one answer.
    const wrong = await openSignIn();
    const refused = await submit(wrong.agent, wrong.page, '/login', { username: account.username, password: 'not the password at all' });
    assert.equal(refused.status, 401);
    const flow = await openSignIn();
    const factorPage = await submit(flow.agent, flow.page, '/login', { username: account.username, password: PASSWORD });
    assert.match(factorPage.url, /\/activate\/factor$/);
    const done = await enrolTotp(flow.agent, factorPage);
    assert.ok(atCallback(done.url));
    assert.equal((await tokensOf(flow, done.url)).acr, ACR.substantial);
  });

  it('throttles activation codes per username', async () => {
    const account = await activatedAccount(world, citizen());
    const { maxFailures } = world.hawiya.hawiya.services.config.throttle.account;
    for (let attempt = 0; attempt < maxFailures; attempt++) {
      const flow = await openSignIn();
      const page = await throughCode(flow.agent, flow.page, { ...account, activationCode: `WRNG-CODE-0000-00${String(attempt).padStart(2, '0')}` });
      assert.equal(page.status, 401);
    }
    const flow = await openSignIn();
    const locked = await throughCode(flow.agent, flow.page, account);
    assert.equal(locked.status, 429, 'the right code is refused during the lock');
    assert.match(locked.html, /Too many attempts/);
  });

  it('opens on the activation page from /activate, for someone with no service', async () => {
    const agent = new UserAgent();
    const page = await agent.navigate(`${base()}/activate`);
    assert.equal(page.status, 200);
    assert.match(page.url, /\/interaction\/[^/]+\/activate$/);
    assert.match(page.html, /Activate your account/);
    assert.match(page.html, /Step 1 of 4/);
  });

  it('lets the holder suspend their account after a fresh sign-in, ending every sign-in', async () => {
    const account = await activatedAccount(world, citizen());
    const flow = await openSignIn();
    const passwordPage = await throughCode(flow.agent, flow.page, account);
    const factorPage = await submit(flow.agent, passwordPage, '/activate/password', { newPassword: PASSWORD, confirmPassword: PASSWORD });
    await enrolTotp(flow.agent, factorPage);

    const confirm = await flow.agent.navigate(`${base()}/account/suspend`);
    assert.equal(confirm.status, 200);
    assert.match(confirm.html, /All sign-ins stop at once/);
    assert.match(confirm.html, /in person to a post office/);
    const done = await submit(flow.agent, confirm, '/account/suspend', {});
    assert.match(done.html, /Your account is suspended/);
    const { rows } = await world.testDb.db.query<{ state: string; suspension: string }>('SELECT state, suspension FROM accounts WHERE id = $1', [account.personId]);
    assert.deepEqual(rows[0], { state: 'suspended', suspension: 'citizen_request' });
    const sessions = await world.testDb.db.query(`SELECT 1 FROM oidc_model WHERE model = 'Session' AND payload ->> 'accountId' = $1`, [account.personId]);
    assert.equal(sessions.rows.length, 0);
    const again = await openSignIn();
    const refused = await submit(again.agent, again.page, '/login', { username: account.username, password: PASSWORD });
    assert.equal(refused.status, 401);
  });
});
