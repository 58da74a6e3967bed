// The signing service as the app holds it: the keystore chosen by configuration, the
// settings, and the CA, read once from the database and kept (it does not change after
// `hawiya ca init`).
import type { Db } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import type { SealedBox } from '../crypto/sealed-box.ts';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { KeyStore } from './keystore.ts';
import { createSoftwareKeyStore } from './software-keystore.ts';
import { createPkcs11KeyStore } from './pkcs11-keystore.ts';
import { caUrls } from './certificate-profile.ts';
import { initCa, loadCa, type LoadedCa } from './ca.ts';
import type { SigningDeps } from './signing-deps.ts';

export interface SigningService extends SigningDeps {
  // The CA, or signing_unavailable until `hawiya ca init` has run.
  ca(): Promise<LoadedCa>;
  initCa(actor: string): Promise<LoadedCa>;
  close(): void;
}

export function createKeyStore(config: Config['signing'], deps: { db: Db; box: SealedBox; clock: Clock }): KeyStore {
  if (config.keystore === 'pkcs11') return createPkcs11KeyStore(config.pkcs11!, deps);
  return createSoftwareKeyStore(deps);
}

export function createSigningService(deps: { db: Db; clock: Clock; box: SealedBox; config: Config }): SigningService {
  const { signing } = deps.config;
  const keys = createKeyStore(signing, deps);
  const settings = {
    country: signing.country, organisation: signing.organisation, policyOid: signing.policyOid,
    certificateDays: signing.certificateDays, crlHours: signing.crlHours, ocspValiditySeconds: signing.ocspValiditySeconds,
    urls: caUrls(deps.config.issuer),
  };
  const base: SigningDeps = { db: deps.db, clock: deps.clock, keys, settings };
  let loaded: LoadedCa | undefined;
  return {
    ...base,
    async ca() {
      loaded ??= (await loadCa(deps.db)) ?? undefined;
      if (!loaded) throw new AppError('signing_unavailable', { message: 'the signing CA has not been created (hawiya ca init)' });
      return loaded;
    },
    async initCa(actor) {
      loaded = await initCa(base, actor);
      return loaded;
    },
    close() {
      keys.close();
    },
  };
}
