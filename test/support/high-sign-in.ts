// A person who can reach the high level (a device-bound passkey, verified in person), and
// the passkey ceremony on an interaction page, for HTTP tests of what needs acr high.
import type { RunningHawiya } from './harness.ts';
import { createPerson, fictionalRecord } from './relying-party.ts';
import { hiddenInput, type Page, type UserAgent } from './user-agent.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';
import { registrationOptions, registerPasskey } from '../../src/authn/passkeys.ts';

let count = 0;

export interface HighPerson {
  id: string;
  username: string;
  password: string;
  key: SoftAuthenticator;
}

export async function createHighPerson(running: RunningHawiya): Promise<HighPerson> {
  const person = { username: `high.${count++}.${Date.now()}`, password: 'a long and good password' };
  const id = await createPerson(running, person, fictionalRecord());
  const issuer = new URL(running.url);
  const { db, clock } = running.hawiya.services;
  const deps = { db, clock, rpId: issuer.hostname, origin: issuer.origin, rpName: 'Hawiya' };
  const key = new SoftAuthenticator();
  const { challengeId, options } = await registrationOptions(deps, { id, username: person.username, displayName: 'Test' });
  await registerPasskey(deps, { accountId: id, challengeId, response: key.register(options, running.url), name: 'phone' });
  await db.query('UPDATE accounts SET verified_in_person_at = now() WHERE id = $1', [id]);
  return { ...person, id, key };
}

// On a sign-in page (first factor or step-up), signs in with the passkey; follows the
// redirects until `stop`, as the browser would.
export async function usePasskey(running: RunningHawiya, agent: UserAgent, page: Page, key: SoftAuthenticator, stop?: (url: string) => boolean): Promise<Page> {
  const base = new URL(page.url).pathname;
  const csrf = hiddenInput(page.html, 'csrf');
  const response = await agent.request(`${running.url}${base}/passkey/options`, { form: { csrf } });
  const { challengeId, options } = await response.json() as { challengeId: string; options: { challenge: string; rpId?: string } };
  const assertion = key.authenticate(options, running.url);
  return agent.navigate(`${running.url}${base}/passkey`, { form: { csrf, challengeId, response: JSON.stringify(assertion) } }, stop);
}
