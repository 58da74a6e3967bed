// The composition root: builds the services, mounts the middleware, the routers and the
// provider, in order. Nothing else wires routers.
import Koa from 'koa';
import type { Logger } from 'pino';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from './config.ts';
import type { Db } from './db/db.ts';
import { migrate } from './db/migrate.ts';
import { systemClock, type Clock } from './clock.ts';
import { createSealedBox, type SealedBox } from './crypto/sealed-box.ts';
import { ensureKeys } from './oidc/keys.ts';
import { createClientRegistry, type ClientRegistry } from './oidc/clients.ts';
import { createAdapterFactory, purgeExpired } from './oidc/adapter.ts';
import { createProvider, sessionTtlSeconds } from './oidc/provider.ts';
import { createProviderHolder, type ProviderHolder } from './oidc/provider-holder.ts';
import { createFindAccount } from './oidc/claims.ts';
import { authoriseClientToken, ADMIN_SCOPE } from './oidc/client-roles.ts';
import { createAgencyDirectory, type AgencyDirectory } from './oidc/agencies.ts';
import { createAgencyStaffDirectory, type AgencyStaffDirectory } from './oidc/agency-roles.ts';
import { createInitialAccessTokenStore, type InitialAccessTokenStore } from './oidc/initial-access-tokens.ts';
import { createResourceServerDirectory, type ResourceServerDirectory } from './oidc/resource-servers.ts';
import { createRegistrationPolicies, initialAccessTokenPayload } from './oidc/registration.ts';
import { deliverDueLogouts } from './oidc/logout-delivery.ts';
import { createAdminRouter } from './web/admin/router.ts';
import { createOpenApiRouter } from './web/openapi/router.ts';
import { createRegistryRouter } from './web/registry-router.ts';
import { createPersonQueries, type PersonQueries } from './register/persons.ts';
import { createAccountDirectory, passwordParametersInUse, type AccountDirectory } from './authn/accounts.ts';
import { createPasswordHasher, createDummyHashes, type PasswordHasher } from './authn/passwords.ts';
import { createThrottle, type Throttle } from './authn/throttle.ts';
import { createLogger } from './log.ts';
import type { AppContext, AppState } from './web/context.ts';
import { createMetrics, type Metrics } from './web/metrics.ts';
import { securityHeaders } from './web/security-headers.ts';
import { requestContext } from './web/request-context.ts';
import { errorHandler, respondWithError } from './web/error-handler.ts';
import { AppError, isDatabaseUnavailable } from './errors.ts';
import { locale } from './web/locale.ts';
import { serveStatic } from './web/static.ts';
import { createSecretEndpointLimiter } from './web/secret-endpoints.ts';
import { createHealthRouter } from './web/health.ts';
import { homePage } from './web/home.ts';
import { createInteractionRouter } from './web/interaction/router.ts';
import { createAccountRouters } from './web/account/router.ts';
import { createOfficeRouters } from './web/office/router.ts';
import { ensureFirstPartyClients } from './oidc/first-party.ts';
import { createCsrf } from './web/csrf.ts';
import { capBodySize } from './web/body.ts';
import type { PasskeyDeps } from './authn/passkeys.ts';
import type { TotpDeps } from './authn/totp.ts';
import { purgeSessionDevices, recordSignIn } from './authn/devices.ts';
import { vacuumChurningTables } from './db/maintenance.ts';
import { linkSessionsToDevices } from './web/session-device.ts';
import { purgeSignInLeftovers } from './authn/sign-in-flow.ts';
import { enqueueNotice, deliverDueNotices } from './notify/outbox.ts';
import { createDeliveryAdapters } from './notify/delivery-adapters.ts';
import { createDevMailboxRouter } from './web/dev-mailbox.ts';
import { deviceIdOf } from './web/device.ts';
import { underPaths } from './web/under-paths.ts';
import { cachePublicDocuments } from './web/public-documents.ts';
import { renderPage } from './web/render.ts';
import { translate } from './web/i18n.ts';
import type { CivilRegistry } from './register/civil-registry.ts';
import { createCivilRegistry } from './register/connector.ts';
import { createOfficeQueries, type OfficeQueries } from './enrolment/offices.ts';
import { createStaffQueries, type StaffQueries } from './enrolment/staff.ts';
import { createApplicationQueries, type ApplicationQueries } from './enrolment/applications.ts';
import type { RegistrationDeps } from './enrolment/registration.ts';
import { createRegistrationPages } from './web/register/registration-pages.ts';
import { mountStatusPage } from './web/register/status-page.ts';
import { createRegistrationApi } from './web/api/registration-api.ts';
import { createActivationEntryRouter } from './web/interaction/activation-entry.ts';
import { createSigningService, type SigningService } from './signing/signing-service.ts';
import { createCaRouter } from './web/signing/ca-router.ts';
import { createSigningApproval } from './web/signing/signing-approval.ts';
import { createCscRouter } from './web/signing/csc-router.ts';
import { purgeSpentTokens } from './signing/sign-hash.ts';
import { createVerifyRouter, VERIFY_PATH } from './web/signing/verify-router.ts';
import { createDeviceRouter } from './web/signing/device-router.ts';

export interface Services {
  config: Config;
  db: Db;
  clock: Clock;
  box: SealedBox;
  log: Logger;
  metrics: Metrics;
  clients: ClientRegistry;
  accounts: AccountDirectory;
  persons: PersonQueries;
  hasher: PasswordHasher;
  throttle: Throttle;
  provider: ProviderHolder;
  registry: CivilRegistry;
  offices: OfficeQueries;
  staff: StaffQueries;
  applications: ApplicationQueries;
  agencies: AgencyDirectory;
  initialAccessTokens: InitialAccessTokenStore;
  resourceServers: ResourceServerDirectory;
  signing: SigningService;
  agencyStaff: AgencyStaffDirectory;
}

export interface HawiyaApp {
  app: Koa<AppState>;
  services: Services;
  // Marks the node as draining: /readyz answers 503 so a load balancer stops sending.
  drain(): void;
  // Stops the background jobs; the caller closes the database.
  close(): void;
}

// The provider's pages go through our views; ctx is our Koa context (the provider is
// mounted inside our app), so it carries our state.
function providerPages() {
  return {
    error(raw: KoaContextWithOIDC, out: { error: string }, error: Error) {
      const page = raw as unknown as AppContext;
      // A lost database is ours, not the relying party's: say so, and that it will pass.
      if (isDatabaseUnavailable(error)) {
        respondWithError(page, new AppError('service_unavailable', { cause: error }));
        return;
      }
      const message = translate(page.state.locale, 'errors.oauth');
      renderPage(page, 'errors/error', { message, requestId: page.state.requestId, detail: out.error });
    },
    logout(raw: KoaContextWithOIDC, form: string) {
      const page = raw as unknown as AppContext;
      const target = raw.oidc.params?.post_logout_redirect_uri;
      if (typeof target === 'string') page.state.formActions.push(new URL(target).origin);
      renderPage(page, 'interaction/logout', { form, clientName: raw.oidc.client?.clientName ?? raw.oidc.client?.clientId });
    },
    loggedOut(raw: KoaContextWithOIDC) {
      renderPage(raw as unknown as AppContext, 'interaction/logged-out');
    },
  };
}

export async function createApp(options: { config: Config; db: Db; kek: Buffer; clock?: Clock; log?: Logger; registry?: CivilRegistry }): Promise<HawiyaApp> {
  const { config, db } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createLogger(config.logLevel);
  await migrate(db);
  const box = createSealedBox(options.kek);
  await ensureKeys({ db, box, clock }, config.keys.signingAlgorithms);

  const metrics = createMetrics();
  const clients = createClientRegistry({ db, box, clock });
  const stopWatchingClients = await clients.watch();
  await ensureFirstPartyClients(clients, config.issuer);
  const accounts = createAccountDirectory({ db, clock });
  const hasher = createPasswordHasher(config.argon2);
  const throttle = createThrottle({ db, clock });
  const agencies = createAgencyDirectory({ db, clock });
  const initialAccessTokens = createInitialAccessTokenStore({ db, clock });
  const resourceServers = createResourceServerDirectory({ db, clock });
  const stopWatchingResourceServers = await resourceServers.watch();
  const agencyStaff = createAgencyStaffDirectory({ db, clock });
  const registrationPolicies = createRegistrationPolicies({ agencies, initialAccessTokens });
  const adapter = createAdapterFactory({ db, clock, clients, initialAccessToken: initialAccessTokenPayload(initialAccessTokens) });
  const persons = createPersonQueries(db);
  const findAccount = createFindAccount({ db, clock, accounts, persons, trustFramework: config.verifiedClaims.trustFramework, agencyRoles: agencyStaff });
  const pages = providerPages();
  const onError = (err: unknown) => log.error({ err }, 'background job failed');

  const app = new Koa<AppState>();
  app.proxy = config.trustProxy;
  // Behind our proxy, only the address it appended is trusted; the rest a client can forge.
  app.maxIpsCount = 1;
  app.silent = true;

  const provider = await createProviderHolder({
    db, box, clock, onError,
    reloadSeconds: config.keys.reloadSeconds,
    build(keySet) {
      const instance = createProvider({ config, keySet, adapter, findAccount, render: pages, db, clock, resourceServers, registrationPolicies });
      instance.on('grant.success', (ctx: KoaContextWithOIDC) => metrics.tokenRequests.inc({ grant_type: String(ctx.oidc.params?.grant_type ?? 'unknown'), outcome: 'success' }));
      instance.on('grant.error', (ctx: KoaContextWithOIDC) => metrics.tokenRequests.inc({ grant_type: String(ctx.oidc.params?.grant_type ?? 'unknown'), outcome: 'error' }));
      instance.on('server_error', (_ctx: KoaContextWithOIDC, err: Error) => log.error({ err }, 'provider error'));
      return instance;
    },
    // Our context's cookies are what the mounted provider signs and reads.
    onChange(keySet) {
      app.keys = keySet.cookieKeys;
    },
  });
  app.keys = provider.keySet().cookieKeys;

  const ownRegistry = options.registry ? null : createCivilRegistry(config.registry, clock);
  const registry: CivilRegistry = options.registry ?? ownRegistry!;
  const offices = createOfficeQueries({ db, clock });
  const staff = createStaffQueries({ db, clock });
  const applications = createApplicationQueries({ db, clock });
  const signing = createSigningService({ db, clock, box, config });
  const services: Services = {
    config, db, clock, box, log, metrics, clients, accounts, persons, hasher, throttle, provider, registry, offices, staff, applications,
    agencies, initialAccessTokens, resourceServers, signing, agencyStaff,
  };
  const csrf = createCsrf(() => provider.keySet().cookieKeys);
  const limiter = createSecretEndpointLimiter({ throttle, limits: config.throttle.ip, refreshSeconds: 5, onError });
  let draining = false;
  const health = createHealthRouter({ db, metrics, draining: () => draining });
  const issuer = new URL(config.issuer);
  const passkeys: PasskeyDeps = { db, clock, rpId: issuer.hostname, origin: issuer.origin, rpName: 'Hawiya' };
  const totp: TotpDeps = { db, clock, box };
  const interaction = createInteractionRouter({
    provider: () => provider.current(),
    csrf,
    accounts,
    totp,
    passkeys,
    throttle,
    secondFactorLimits: config.throttle.account,
    maxBodyBytes: config.http.maxBodyBytes,
    defaultLocale: config.defaultLocale,
    persons,
    hasher,
    activationLimits: config.throttle,
    signingApproval: createSigningApproval(signing),
    signIn: {
      accounts, hasher, throttle, limits: config.throttle, dummyHashes: await createDummyHashes(hasher, await passwordParametersInUse(db)),
      onLocked: (accountId) => db.transaction((tx) => enqueueNotice(tx, clock, { accountId, template: 'account_locked' })).then(() => {}),
    },
    async onSignedIn(ctx, { accountId, clientId, amr }) {
      await recordSignIn({ db, clock }, {
        accountId, clientId, deviceId: deviceIdOf(ctx), userAgent: ctx.get('User-Agent'), ip: ctx.ip, requestId: ctx.state.requestId, amr,
      });
    },
  });

  const accountPages = createAccountRouters({
    provider: () => provider.current(), csrf, db, clock, accounts, persons, clients, totp, passkeys, throttle,
    enrolmentLimits: config.throttle.account, maxBodyBytes: config.http.maxBodyBytes,
    sessionTtl: (loginTs) => sessionTtlSeconds(config, loginTs),
    signing,
  });

  const registration: RegistrationDeps = {
    db, clock, registry, eidLength: config.register.eidLength, applicationDays: config.enrolment.applicationDays,
  };
  const registrationPageDeps = {
    csrf, box, clock, offices, registration, throttle, limits: config.throttle.registration, maxBodyBytes: config.http.maxBodyBytes,
  };
  const registrationPages = createRegistrationPages(registrationPageDeps);
  mountStatusPage(registrationPages, registrationPageDeps);
  const registrationApi = createRegistrationApi(registrationPageDeps);
  const activationEntry = createActivationEntryRouter({ provider: () => provider.current() });
  const officePages = createOfficeRouters({
    provider: () => provider.current(), csrf, db, clock, accounts, persons, registry, offices, staff, applications,
    maxBodyBytes: config.http.maxBodyBytes, eidLength: config.register.eidLength,
    applicationDays: config.enrolment.applicationDays, activationCodeDays: config.enrolment.activationCodeDays,
    sessionTtl: (loginTs) => sessionTtlSeconds(config, loginTs),
  });

  const registryEvents = createRegistryRouter({
    db, clock, maxBodyBytes: config.http.maxBodyBytes, eidLength: config.register.eidLength,
    authorise: (authorization) => authoriseClientToken(provider.current(), authorization, 'civil_registry'),
  });

  const admin = createAdminRouter({
    db, agencies, clients, initialAccessTokens, resourceServers, provider: () => provider.current(),
    maxBodyBytes: config.http.maxBodyBytes, initialAccessTokenSeconds: config.registration.initialAccessTokenSeconds,
    authorise: (authorization) => authoriseClientToken(provider.current(), authorization, 'admin', ADMIN_SCOPE),
  });
  const openApi = createOpenApiRouter({ issuer: config.issuer });

  app.use(securityHeaders({ hsts: config.issuer.startsWith('https://') }));
  app.use(requestContext({ log, metrics, trustProxy: config.trustProxy }));
  app.use(cachePublicDocuments(() => provider.current()));
  app.use(errorHandler());
  app.use(locale(config.defaultLocale));
  app.use(capBodySize(config.http.maxBodyBytes, { [VERIFY_PATH]: config.signing.verifyMaxBytes }));
  app.use(serveStatic());
  app.use(limiter.middleware);
  // Each router runs only under its own paths, so the provider's hot endpoints do not pay
  // for route matching they never need.
  app.use(underPaths(['/healthz', '/readyz', '/metrics'], health.routes()));
  app.use(underPaths(['/registry/'], registryEvents.routes()));
  app.use(underPaths(['/api/openapi.json'], openApi.routes()));
  app.use(underPaths(['/api/admin/'], admin.routes()));
  app.use(underPaths(['/ca/'], createCaRouter(signing).routes()));
  app.use(underPaths(['/api/signing/'], createDeviceRouter({ signing, persons, provider: () => provider.current(), issuer: config.issuer, maxBodyBytes: config.http.maxBodyBytes }).routes()));
  app.use(underPaths(['/api/signatures/'], createVerifyRouter({ signing, maxBytes: config.signing.verifyMaxBytes }).routes()));
  app.use(underPaths(['/csc/'], createCscRouter({ signing, provider: () => provider.current(), issuer: config.issuer, maxBodyBytes: config.http.maxBodyBytes }).routes()));
  app.use(underPaths(['/interaction/'], interaction.routes()));
  if (config.notify.devMailbox) app.use(underPaths(['/dev/mailbox'], createDevMailboxRouter({ db }).routes()));
  app.use(underPaths(['/register'], registrationPages.routes()));
  app.use(underPaths(['/api/'], registrationApi.routes()));
  app.use(underPaths(['/activate'], activationEntry.routes()));
  for (const router of accountPages) app.use(underPaths(['/account'], router.routes()));
  for (const router of officePages) app.use(underPaths(['/office'], router.routes()));
  app.use(homePage());
  app.use(linkSessionsToDevices({ db, clock }));
  app.use(provider.middleware());

  const purge = setInterval(() => {
    Promise.all([purgeExpired(db, clock).then(() => purgeSessionDevices(db)), throttle.purge(), purgeSignInLeftovers(db, clock), purgeSpentTokens(signing)])
      .then(() => vacuumChurningTables(db))
      .catch(onError);
  }, config.purgeIntervalSeconds * 1000);
  purge.unref();
  const delivery = createDeliveryAdapters(config.notify);
  // Said by the server, which brings its own logger; CLI commands print JSON on stdout.
  if (options.log && delivery.waiting.length > 0) log.warn({ channels: delivery.waiting }, 'no gateway for these notice channels: their notices wait in the outbox');
  const outbox = setInterval(() => {
    deliverDueNotices({ db, clock, adapters: delivery.adapters }).catch(onError);
  }, config.notify.intervalSeconds * 1000);
  outbox.unref();
  const logouts = setInterval(() => {
    deliverDueLogouts({
      db, clock, provider: () => provider.current(), ...config.backchannelLogout,
      onFailure: (failure) => log.warn(failure, 'back-channel logout delivery failed'),
    }).catch(onError);
  }, config.backchannelLogout.intervalSeconds * 1000);
  logouts.unref();

  return {
    app,
    services,
    drain() {
      draining = true;
    },
    close() {
      clearInterval(purge);
      clearInterval(outbox);
      delivery.close();
      clearInterval(logouts);
      limiter.stop();
      stopWatchingClients().catch(onError);
      stopWatchingResourceServers().catch(onError);
      provider.stop();
      ownRegistry?.close?.();
      signing.close();
    },
  };
}
