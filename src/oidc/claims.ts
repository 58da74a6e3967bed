// What the provider releases about a person, read from the register at every request so
// a name change shows at the next sign-in. The e-ID number goes out only under the
// national_id scope, and the person's agency roles only under agency_roles: only clients
// registered with those scopes may ask for them, and each release is audited.
import { createHmac } from 'node:crypto';
import type { Db } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import type { AccountDirectory } from '../authn/accounts.ts';
import type { PersonQueries, Person } from '../register/persons.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { releaseVerifiedClaims } from './verified-claims.ts';
import type { AgencyStaffDirectory } from './agency-roles.ts';

// The claims each scope releases.
export const SCOPE_CLAIMS = {
  openid: ['sub', 'acr', 'amr', 'auth_time'],
  profile: [
    'name', 'given_name', 'family_name', 'middle_name', 'birthdate', 'locale',
    'name#ar', 'given_name#ar', 'family_name#ar', 'middle_name#ar',
    'name#en', 'given_name#en', 'family_name#en', 'middle_name#en',
  ],
  gender: ['gender'],
  national_id: ['national_id'],
  // OIDC4IDA: how the person was verified in person; only for clients registered with it.
  verified_claims: ['verified_claims'],
  // The roles the person holds at agencies ("finance:<agency>", agency-roles.ts): not
  // about who the person is, so never inside verified_claims.
  agency_roles: ['agency_roles'],
};

// Scopes whose claims describe the person's identity, and so may be vouched for inside
// verified_claims.
const NOT_IDENTITY = new Set(['openid', 'verified_claims', 'agency_roles']);

export const IDENTITY_CLAIMS = Object.entries(SCOPE_CLAIMS).filter(([scope]) => !NOT_IDENTITY.has(scope)).flatMap(([, claims]) => claims);

// The scope a claim belongs to, so the claims parameter cannot ask for more than the
// client's registered scopes allow (national_id above all).
export function scopeOfClaim(claim: string): string | undefined {
  return Object.entries(SCOPE_CLAIMS).find(([, claims]) => claims.includes(claim))?.[0];
}

// Whether a claim about the person falls within the given scopes (inside verified_claims).
export function entitledClaim(entitledScopes: readonly string[]): (claim: string) => boolean {
  return (claim) => {
    const scope = scopeOfClaim(claim);
    return scope !== undefined && !NOT_IDENTITY.has(scope) && entitledScopes.includes(scope);
  };
}

export function claimsBeyondEntitlement(requested: Record<string, Record<string, unknown> | undefined>, entitledScopes: readonly string[]): string[] {
  const beyond: string[] = [];
  for (const container of ['id_token', 'userinfo']) {
    for (const claim of Object.keys(requested[container] ?? {})) {
      const scope = scopeOfClaim(claim);
      if (scope !== 'openid' && (scope === undefined || !entitledScopes.includes(scope))) beyond.push(claim);
    }
  }
  return beyond;
}

type Script = 'ar' | 'lat';

function namesIn(person: Person, script: Script) {
  const names = person.names[script];
  return {
    name: `${names.given} ${names.family}`,
    given_name: names.given,
    family_name: names.family,
    middle_name: `${names.father} ${names.grandfather}`,
  };
}

function tagged(claims: Record<string, string>, tag: string): Record<string, string> {
  return Object.fromEntries(Object.entries(claims).map(([claim, value]) => [`${claim}#${tag}`, value]));
}

// The person's own language decides the untagged claims; both scripts go out tagged.
export function personClaims(person: Person): Record<string, string> {
  const arabic = namesIn(person, 'ar');
  const latin = namesIn(person, 'lat');
  return {
    ...(person.locale === 'ar' ? arabic : latin),
    ...tagged(arabic, 'ar'),
    ...tagged(latin, 'en'),
    birthdate: person.birthDate,
    locale: person.locale,
    gender: person.sex === 'F' ? 'female' : 'male',
    national_id: person.eid,
  };
}

// RFC: OIDC Core §8.1. base64url(HMAC-SHA256(secret, sector ‖ person UUID)): stable for one
// sector, unlinkable across sectors without the secret.
export function pairwiseSubject(secret: Buffer, sector: string, personId: string): string {
  return createHmac('sha256', secret).update(`${sector}\u0000${personId}`).digest('base64url');
}

export interface FindAccountDeps {
  db: Db;
  clock: Clock;
  accounts: AccountDirectory;
  persons: PersonQueries;
  // The trust_framework of verified_claims.
  trustFramework: string;
  agencyRoles: Pick<AgencyStaffDirectory, 'claimOf'>;
}

export interface FoundAccount {
  [key: string]: unknown;
  accountId: string;
  claims(use: string, scope: string, requested?: Record<string, unknown>): Promise<Record<string, unknown> & { sub: string }>;
}

// Returns nothing for an unknown, blocked or deceased account: the provider then refuses
// to issue anything more for it, refresh included.
export function createFindAccount(deps: FindAccountDeps) {
  return async (clientId: string | undefined, id: string, entitledScopes: readonly string[] = []): Promise<FoundAccount | undefined> => {
    const account = await deps.accounts.findById(id);
    if (!account?.active) return undefined;
    return {
      accountId: account.id,
      async claims(use, scope, requested) {
        const person = await deps.persons.findById(account.id);
        if (!person) return { sub: account.id };
        const claims = personClaims(person);
        if (scope.split(' ').includes('national_id')) {
          await deps.db.transaction((tx) => appendAudit(tx, deps.clock, {
            actor: `client:${clientId ?? 'unknown'}`, action: 'claims.national_id.released', subject: person.id, details: { use },
          }));
        }
        const verified = await releaseVerifiedClaims(deps, {
          personId: person.id, clientId, use, requested: requested?.verified_claims, available: claims, entitledScopes, isEntitled: entitledClaim(entitledScopes),
        });
        const roles = scope.split(' ').includes('agency_roles') ? await releaseAgencyRoles(deps, person.id, clientId, use) : {};
        return { ...claims, ...verified, ...roles, sub: account.id };
      },
    };
  };
}

// The scope is granted only to clients registered with it (the provider's scope allow-list),
// so reaching here means the client is entitled. A person with no role gets no claim, and
// nothing is audited; every release of a role is.
async function releaseAgencyRoles(deps: FindAccountDeps, personId: string, clientId: string | undefined, use: string): Promise<{ agency_roles?: string[] }> {
  const roles = await deps.agencyRoles.claimOf(personId);
  if (roles.length === 0) return {};
  await deps.db.transaction((tx) => appendAudit(tx, deps.clock, {
    actor: `client:${clientId ?? 'unknown'}`, action: 'claims.agency_roles.released', subject: personId, details: { use, roles },
  }));
  return { agency_roles: roles };
}
