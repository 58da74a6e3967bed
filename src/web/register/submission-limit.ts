// Registration and status look-ups are limited per client address, counting every
// submission, not only failures: a run of well-formed guesses at civil numbers or
// references fails nothing we could count, so the volume itself is what is limited.
import { AppError } from '../../errors.ts';
import type { Throttle, ThrottleLimits } from '../../authn/throttle.ts';
import { RegistryUnavailable } from '../../register/civil-registry.ts';

export async function admitSubmission(throttle: Throttle, key: string, limits: ThrottleLimits): Promise<void> {
  if ((await throttle.locked([key])).length > 0) throw new AppError('rate_limited');
  // The throttle counts "failures"; here every submission is one.
  await throttle.recordFailure(key, limits);
}

// The registry's outage is ours to explain, not a 500.
export async function withRegistry<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof RegistryUnavailable) throw new AppError('service_unavailable', { cause: err });
    throw err;
  }
}
