// An example's own state: one JSON document, held in memory and written to a file after
// every change (to a temporary file, then renamed, so a crash never leaves half a file).
// Node runs one change at a time, so a check-and-set inside `update` is atomic: that is
// what makes a payment idempotent here. A real service keeps this in a database with
// unique constraints; the examples stay small on purpose. `file: null` keeps it in memory
// (tests).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { z } from 'zod';

export interface JsonStore<T> {
  read(): Readonly<T>;
  // Runs `change` on the document and saves it; what `change` returns is passed on.
  update<R>(change: (state: T) => R): R;
}

export function createJsonStore<S extends z.ZodType>(file: string | null, schema: S, initial: () => z.infer<S>): JsonStore<z.infer<S>> {
  // The file is an edge: it is parsed, not trusted.
  let state: z.infer<S> = file && existsSync(file) ? schema.parse(JSON.parse(readFileSync(file, 'utf8'))) : initial();
  const save = () => {
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(state));
    renameSync(`${file}.tmp`, file);
  };
  return {
    read: () => state,
    update(change) {
      const draft = structuredClone(state);
      const result = change(draft);
      state = draft;
      save();
      return result;
    },
  };
}
