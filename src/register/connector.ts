// The civil registry connector the configuration names.
import { readFileSync } from 'node:fs';
import type { Config } from '../config.ts';
import type { Clock } from '../clock.ts';
import type { CivilRegistry } from './civil-registry.ts';
import { createFileRegistry } from './civil-registry-file.ts';
import { createHttpRegistry } from './civil-registry-http.ts';

export function createCivilRegistry(config: Config['registry'], clock: Clock): CivilRegistry & { close?(): void } {
  if (config.connector === 'file') {
    if (!config.file) throw new Error('registry.file is not set');
    return createFileRegistry(config.file, config.eventsFile ? { eventsPath: config.eventsFile } : {});
  }
  return createHttpRegistry({
    baseUrl: config.baseUrl,
    tls: { cert: readFileSync(config.certFile), key: readFileSync(config.keyFile), ca: readFileSync(config.caFile) },
    timeoutMs: config.timeoutMs,
    retries: config.retries,
    backoffMs: config.backoffMs,
    breaker: { failureThreshold: config.breakerFailures, resetMs: config.breakerResetSeconds * 1000 },
    clock,
  });
}
