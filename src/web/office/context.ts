// What the counter app shares: its dependencies, the signed-in staff member (`clerk`, set
// by the staff guard at every request) and the state its routes carry.
import type { ParameterizedContext } from 'koa';
import type { AppState } from '../context.ts';
import type { Csrf } from '../csrf.ts';
import type { Db } from '../../db/db.ts';
import type { Clock } from '../../clock.ts';
import type { ProviderHolder } from '../../oidc/provider-holder.ts';
import type { AccountSession } from '../../oidc/sessions.ts';
import type { AccountDirectory } from '../../authn/accounts.ts';
import type { PersonQueries } from '../../register/persons.ts';
import type { CivilRegistry } from '../../register/civil-registry.ts';
import type { Office, OfficeQueries } from '../../enrolment/offices.ts';
import type { StaffMember, StaffQueries } from '../../enrolment/staff.ts';
import type { ApplicationQueries } from '../../enrolment/applications.ts';

export interface OfficeDeps {
  provider(): ReturnType<ProviderHolder['current']>;
  csrf: Csrf;
  db: Db;
  clock: Clock;
  accounts: AccountDirectory;
  persons: PersonQueries;
  registry: CivilRegistry;
  offices: OfficeQueries;
  staff: StaffQueries;
  applications: ApplicationQueries;
  maxBodyBytes: number;
  eidLength: number;
  applicationDays: number;
  activationCodeDays: number;
  sessionTtl(loginTs: number | undefined): number;
}

export interface Clerk {
  session: AccountSession;
  // Read from the staff table at every request: the role never comes from a form.
  staff: StaffMember;
  office: Office | null;
}

export interface OfficeState extends AppState {
  clerk: Clerk;
}

export type OfficeContext = ParameterizedContext<OfficeState>;
