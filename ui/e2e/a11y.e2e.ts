// Accessibility: axe-core (WCAG 2.0/2.1 A and AA rules) on every screen of the built UI, in the
// light and the dark theme. No serious or critical violation is allowed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, start, type Session } from './browser';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let session: Session;
beforeAll(async () => {
  session = await start();
});
afterAll(async () => {
  await session?.close();
});

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

async function audit(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ content: AXE });
  const result = (await page.evaluate(`window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    resultTypes: ['violations'],
  })`)) as { violations: Violation[] };
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

const describeViolations = (vs: Violation[]): string =>
  vs.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join('\n  ')}`).join('\n');

const SCREENS: [string, string][] = [
  ['inbox', '[data-testid=question-row]'],
  ['stock', '[data-testid=stock-row]'],
  ['metrics', '[data-testid=chart-questions]'],
  ['replies', '.content *'],
  ['accounts', '.content *'],
  ['team', '[data-testid=team-member]'],
  ['settings', '.content *'],
];

describe('accessibility', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`every screen has no serious or critical violation (${colorScheme})`, async () => {
      const { context, page } = await open(session, { colorScheme });
      const found: string[] = [];
      for (const [screen, ready] of SCREENS) {
        await page.getByTestId(`nav-${screen}`).click();
        await page.locator(ready).first().waitFor();
        await page.waitForTimeout(300);
        const vs = await audit(page);
        if (vs.length) found.push(`${screen}:\n${describeViolations(vs)}`);
      }
      // The inbox's sales and the first-contact dialog.
      await page.getByTestId('nav-inbox').click();
      await page.getByTestId('kind-sales').click();
      await page.locator('[data-testid=sale-row]').first().waitFor();
      await page.waitForTimeout(300);
      let vs = await audit(page);
      if (vs.length) found.push(`sales:\n${describeViolations(vs)}`);
      await page.getByTestId('sale-contact').click();
      await page.locator('[data-testid=contact-option]').first().waitFor();
      await page.waitForTimeout(300);
      vs = await audit(page);
      if (vs.length) found.push(`contact dialog:\n${describeViolations(vs)}`);
      await page.keyboard.press('Escape');
      expect(found.join('\n\n')).toBe('');
      await context.close();
    });
  }
});
