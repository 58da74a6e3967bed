// axe-core in a real page: injected over the DevTools protocol (which a page's CSP does
// not govern), so the page keeps its real policy while it is checked.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { AxeResults } from 'axe-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function assertNoSeriousAxeViolations(page: Page, what: string): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const { passes, violations } = await page.evaluate(async () => {
    const { axe } = window as unknown as { axe: { run(context: Document): Promise<AxeResults> } };
    const results = await axe.run(document);
    return {
      passes: results.passes.length,
      violations: results.violations
        .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
        .map((violation) => ({ id: violation.id, help: violation.help, targets: violation.nodes.map((node) => node.target.join(' ')) })),
    };
  });
  assert.ok(passes > 10, `axe checked ${what} (${passes} rules passed)`);
  assert.deepEqual(violations, [], `axe found serious or critical violations on ${what}:\n${JSON.stringify(violations, null, 2)}`);
}
