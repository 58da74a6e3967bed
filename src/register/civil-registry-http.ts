// The civil registry over HTTPS with mutual TLS, as on an X-Road-style exchange: the
// registry knows Hawiya by its client certificate, and Hawiya trusts the registry only
// through the CA it is given (which replaces the system trust store).
//
// Protocol (JSON, UTF-8; every path below is relative to baseUrl):
//
//   GET /persons/{civilNumber}
//     200  a RegistryRecord (src/register/person.ts); its civilNumber is the one asked for
//     404  no such person
//   GET /events?after={cursor}&limit={n}      (after is left out for the first page)
//     200  { "events": [RegistryEvent, …], "cursor": string | null }
//          events oldest first, at most n; cursor is the id of the last event returned,
//          or the cursor that was sent when there is nothing new.
//
// Matching is done here, from the looked-up record, with the same rules as the file
// registry (matchRecord), so the registry only has to answer lookups.
//
// Failures: network errors, timeouts and 5xx are retried with exponential backoff and
// jitter; other statuses are not. A body that is not the JSON above is not retried.
// Every call that cannot be answered rejects with RegistryUnavailable, whose message says
// why. A circuit breaker counts consecutive failed attempts: at the threshold it opens
// and calls fail at once, without contacting the registry, until resetMs has passed;
// then one trial request is let through, and its success closes the circuit again.
import { Agent, request } from 'node:https';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { CIVIL_NUMBER, registryRecordSchema, type RegistryRecord } from './person.ts';
import { parseRegistryEvent } from './events.ts';
import { matchRecord } from './matching.ts';
import { RegistryUnavailable, type CivilRegistry, type RegistryEvent } from './civil-registry.ts';

export interface HttpRegistryOptions {
  baseUrl: string;
  // PEM: Hawiya's client certificate and key, and the CA that issued the registry's.
  tls: { cert: string | Buffer; key: string | Buffer; ca: string | Buffer };
  // Per attempt, until the whole body has arrived.
  timeoutMs: number;
  // Attempts after the first.
  retries: number;
  // The first retry waits about this long; each next one about twice as long.
  backoffMs: number;
  breaker: { failureThreshold: number; resetMs: number };
  clock: Clock;
  // Uniform in [0, 1), for the jitter.
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type HttpRegistry = CivilRegistry & { close(): void };

// A registry that streams more than this is not answering one of our requests.
const MAX_BODY_BYTES = 16 * 1024 * 1024;

const cryptoRandom = () => randomBytes(4).readUInt32BE() / 2 ** 32;

// transient: the registry may answer next time (retried). malformed: it answered
// something else than the protocol. refused: it answered, but not with what we asked.
type FailureKind = 'transient' | 'malformed' | 'refused';

class AttemptFailed extends Error {
  override name = 'AttemptFailed';
  readonly kind: FailureKind;
  constructor(kind: FailureKind, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.kind = kind;
  }
}

interface Answer {
  status: number;
  body: string;
}

// ----------------------------------------------------------------- One HTTPS exchange

function readAnswer(agent: Agent, url: string, timeoutMs: number): Promise<Answer> {
  const signal = AbortSignal.timeout(timeoutMs);
  return new Promise((resolve, reject) => {
    const fail = (cause: unknown) => {
      const message = signal.aborted ? `timed out after ${timeoutMs} ms` : `could not be reached: ${(cause as Error).message}`;
      reject(new AttemptFailed('transient', message, { cause }));
    };
    const req = request(url, { agent, method: 'GET', headers: { accept: 'application/json' }, signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) {
          chunks.push(chunk);
          return;
        }
        reject(new AttemptFailed('malformed', `answered with a body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', fail);
      res.on('close', () => {
        if (!res.complete) fail(new Error('the connection closed before the body ended'));
      });
    });
    req.on('error', fail);
    req.end();
  });
}

function parseBody<T>(answer: Answer, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch (cause) {
    throw new AttemptFailed('malformed', 'answered with a body that is not valid JSON', { cause });
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new AttemptFailed('malformed', `answered with an invalid body: ${issue.path.join('.') || '(body)'}: ${issue.message}`);
}

// 5xx may pass; anything else but the expected status is a refusal of this request.
function expectOk(answer: Answer): void {
  if (answer.status >= 500) throw new AttemptFailed('transient', `answered ${answer.status}`);
  if (answer.status !== 200) throw new AttemptFailed('refused', `answered ${answer.status}`);
}

// ------------------------------------------------------------------- Circuit breaker

function createBreaker(options: HttpRegistryOptions['breaker'], clock: Clock) {
  let failures = 0;
  let openedAt: number | null = null;
  let trialInFlight = false;
  return {
    // Throws while open; once resetMs has passed, lets exactly one trial through.
    admit(): void {
      if (openedAt === null) return;
      const waited = clock.now().getTime() - openedAt;
      if (waited < options.resetMs || trialInFlight) {
        throw new RegistryUnavailable(`civil registry circuit is open after ${failures} consecutive failures: failing fast`);
      }
      trialInFlight = true;
    },
    succeeded(): void {
      failures = 0;
      openedAt = null;
      trialInFlight = false;
    },
    failed(): void {
      failures++;
      if (trialInFlight || failures >= options.failureThreshold) openedAt = clock.now().getTime();
      trialInFlight = false;
    },
  };
}

// ---------------------------------------------------------------------- The registry

const eventsPageSchema = z.object({ events: z.array(z.unknown()), cursor: z.string().min(1).nullable() });

function eventsFrom(answer: Answer): { events: RegistryEvent[]; cursor: string | null } {
  const page = parseBody(answer, eventsPageSchema);
  const events = page.events.map((event, index) => {
    try {
      return parseRegistryEvent(event);
    } catch (err) {
      throw new AttemptFailed('malformed', `answered with an invalid body: events.${index}.${(err as Error).message}`);
    }
  });
  return { events, cursor: page.cursor };
}

function recordFrom(answer: Answer, civilNumber: string): RegistryRecord | null {
  if (answer.status === 404) return null;
  expectOk(answer);
  const record = parseBody(answer, registryRecordSchema);
  if (record.civilNumber !== civilNumber) throw new AttemptFailed('malformed', `answered with the record of another civil number`);
  return record;
}

function eventsPath(after: string | null, limit: number): string {
  const query = new URLSearchParams(after === null ? {} : { after });
  query.set('limit', String(limit));
  return `/events?${query.toString()}`;
}

export function createHttpRegistry(options: HttpRegistryOptions): HttpRegistry {
  if (!options.baseUrl.startsWith('https://')) throw new Error('the civil registry baseUrl must be https://');
  const base = options.baseUrl.replace(/\/+$/u, '');
  const agent = new Agent({ keepAlive: true, ...options.tls });
  const breaker = createBreaker(options.breaker, options.clock);
  const random = options.random ?? cryptoRandom;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));

  // Half the exponential step is fixed and half is random, so that nodes retrying at
  // once spread out but never retry immediately.
  const backoff = (retry: number) => {
    const step = options.backoffMs * 2 ** retry;
    return step / 2 + (random() * step) / 2;
  };

  async function call<T>(path: string, interpret: (answer: Answer) => T): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      breaker.admit();
      try {
        const result = interpret(await readAnswer(agent, `${base}${path}`, options.timeoutMs));
        breaker.succeeded();
        return result;
      } catch (err) {
        // Counted even when unexpected, so that a failed trial cannot leave the circuit
        // half-open for good.
        if (!(err instanceof AttemptFailed)) {
          breaker.failed();
          throw err;
        }
        // A refusal is an answer: the registry is up, our request is at fault.
        if (err.kind === 'refused') breaker.succeeded();
        else breaker.failed();
        if (err.kind !== 'transient' || attempt >= options.retries) {
          const tries = attempt === 0 ? '' : ` (after ${attempt + 1} attempts)`;
          throw new RegistryUnavailable(`civil registry GET ${path} ${err.message}${tries}`, { cause: err });
        }
      }
      await sleep(backoff(attempt));
    }
  }

  async function lookup(civilNumber: string): Promise<RegistryRecord | null> {
    // A number that is not 10 digits cannot be on file, and must not reach the URL path.
    if (!CIVIL_NUMBER.test(civilNumber)) return null;
    return call(`/persons/${civilNumber}`, (answer) => recordFrom(answer, civilNumber));
  }

  return {
    lookup,
    async match(details) {
      return matchRecord(await lookup(details.civilNumber), details);
    },
    async events(after, limit) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, not ${limit}`);
      return call(eventsPath(after, limit), (answer) => {
        expectOk(answer);
        return eventsFrom(answer);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
