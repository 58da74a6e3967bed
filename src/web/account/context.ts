// What the account pages share: their dependencies, the signed-in person (`me`, set by
// the signed-in guard) and the state their routes carry.
import type { ParameterizedContext } from 'koa';
import type { AppState } from '../context.ts';
import type { Csrf } from '../csrf.ts';
import type { Db } from '../../db/db.ts';
import type { Clock } from '../../clock.ts';
import type { ProviderHolder } from '../../oidc/provider-holder.ts';
import type { ClientRegistry } from '../../oidc/clients.ts';
import type { AccountSession } from '../../oidc/sessions.ts';
import type { Account, AccountDirectory } from '../../authn/accounts.ts';
import type { Person, PersonQueries } from '../../register/persons.ts';
import type { TotpDeps } from '../../authn/totp.ts';
import type { PasskeyDeps } from '../../authn/passkeys.ts';
import type { Throttle, ThrottleLimits } from '../../authn/throttle.ts';
import type { SigningService } from '../../signing/signing-service.ts';

export type Provider = ReturnType<ProviderHolder['current']>;

export interface AccountDeps {
  provider(): Provider;
  csrf: Csrf;
  db: Db;
  clock: Clock;
  accounts: AccountDirectory;
  persons: PersonQueries;
  clients: ClientRegistry;
  totp: TotpDeps;
  passkeys: PasskeyDeps;
  throttle: Throttle;
  // Failed codes while adding an authenticator app, per account.
  enrolmentLimits: ThrottleLimits;
  maxBodyBytes: number;
  // The session's next lifetime when the account pages use it (idle and absolute limits).
  sessionTtl(loginTs: number | undefined): number;
  signing: SigningService;
}

export interface Me {
  session: AccountSession;
  account: Account;
  person: Person;
}

export interface AccountState extends AppState {
  me: Me;
}

export type AccountContext = ParameterizedContext<AccountState>;
