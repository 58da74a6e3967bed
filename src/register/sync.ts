// `hawiya registry sync`: pulls the registry's events from where the last sync stopped
// and applies each, moving the cursor only past what was handled.
import type { CivilRegistry } from './civil-registry.ts';
import { applyRegistryEvent, type EventDeps, type EventOutcome } from './events.ts';

export async function syncRegistryEvents(deps: EventDeps & { registry: CivilRegistry }, pageSize = 500): Promise<Record<EventOutcome, number>> {
  const counts: Record<EventOutcome, number> = { applied: 0, pending: 0, stale: 0, duplicate: 0 };
  const { rows } = await deps.db.query<{ cursor: string | null }>('SELECT cursor FROM registry_sync WHERE id');
  let cursor = rows[0]?.cursor ?? null;
  for (;;) {
    const page = await deps.registry.events(cursor, pageSize);
    for (const event of page.events) {
      counts[await applyRegistryEvent(deps, event, { actor: 'registry' })] += 1;
      cursor = event.id;
      await deps.db.query(
        'INSERT INTO registry_sync (id, cursor) VALUES (true, $1) ON CONFLICT (id) DO UPDATE SET cursor = excluded.cursor', [cursor],
      );
    }
    if (page.events.length < pageSize) return counts;
    cursor = page.cursor ?? cursor;
  }
}
