// What the admin API's handlers share: their dependencies, and the calling admin client.
import type Router from '@koa/router';
import type { Provider } from 'oidc-provider';
import type { Db } from '../../db/db.ts';
import type { AppState } from '../context.ts';
import type { AgencyDirectory } from '../../oidc/agencies.ts';
import type { ClientRegistry } from '../../oidc/clients.ts';
import type { InitialAccessTokenStore } from '../../oidc/initial-access-tokens.ts';
import type { ResourceServerDirectory } from '../../oidc/resource-servers.ts';

export interface AdminDeps {
  db: Db;
  agencies: AgencyDirectory;
  clients: ClientRegistry;
  initialAccessTokens: InitialAccessTokenStore;
  resourceServers: ResourceServerDirectory;
  provider(): Provider;
  maxBodyBytes: number;
  initialAccessTokenSeconds: number;
  // The admin client behind the request's bearer token (client_credentials, hawiya:admin).
  authorise(authorization: string | undefined): Promise<{ clientId: string }>;
}

export interface AdminState extends AppState {
  // The audit actor of every change made through the API: `admin:<client id>`.
  actor: string;
}

export type AdminRouter = Router<AdminState>;
