// The stock view in a real browser on the built UI: 5,000 listings scroll, filters and sorting,
// an inline edit from the keyboard (Enter, a number, Enter), a variation opened and edited, a
// bulk change with its per-row outcome, Full rows read-only with their reason, every language.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockDictionaries } from '../src/features/stock/strings';
import { open, SCREENSHOTS, start, type Session } from './browser';

let session: Session;
beforeAll(async () => {
  session = await start();
});
afterAll(async () => {
  await session?.close();
});

type Mock = {
  stock: {
    queued: { target: { item_id: string; variation_id: number | null }; quantity: number }[];
    listings: unknown[];
  };
  stockDeliveryMs: number;
};
const mock = <T>(page: Page, f: (m: Mock) => T): Promise<T> =>
  page.evaluate(`(${f.toString()})(window.mostradorMock)`) as Promise<T>;

async function openStock(page: Page): Promise<void> {
  await page.getByTestId('nav-stock').click();
  await page.locator('[data-testid=stock-row]').first().waitFor();
}

describe('stock flows', () => {
  it('edits a listing inline from the keyboard and shows it pending until delivered', async () => {
    const { context, page } = await open(session);
    await openStock(page);
    // The first editable listing without variations: select it with j and edit it with Enter.
    const rows = page.locator('[data-testid=stock-row]');
    const count = await rows.count();
    let index = -1;
    for (let i = 0; i < count; i++) {
      const row = rows.nth(i);
      if ((await row.locator('[data-testid=stock-open]').count()) === 0 && (await row.locator('[data-testid=stock-readonly]').count()) === 0) {
        index = i;
        break;
      }
    }
    expect(index).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < index; i++) await page.keyboard.press('j');
    const key = await rows.nth(index).getAttribute('data-key');
    await page.keyboard.press('Enter');
    const input = page.getByTestId('stock-input');
    await input.waitFor();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('37');
    await page.screenshot({ path: join(SCREENSHOTS, 'stock-inline-edit.png') });
    await page.keyboard.press('Enter');
    await expect.poll(() => mock(page, (m) => m.stock.queued)).toEqual([{ target: { item_id: key, variation_id: null }, quantity: 37 }]);
    const row = page.locator(`[data-testid=stock-row][data-key="${key}"]`);
    await expect.poll(() => row.getByTestId('stock-available').textContent()).toBe('37');
    await row.getByTestId('stock-pending').waitFor();
    await row.getByTestId('stock-pending').waitFor({ state: 'detached', timeout: 10_000 });
    // Esc cancels an edit without queueing anything.
    await page.keyboard.press('Enter');
    await input.waitFor();
    await page.keyboard.type('5');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('stock-input').count()).toBe(0);
    expect(await mock(page, (m) => m.stock.queued.length)).toBe(1);
    // Its own low-stock threshold: 500 makes it low.
    await row.getByTestId('stock-threshold').click();
    await page.getByTestId('stock-threshold-input').fill('500');
    await page.keyboard.press('Enter');
    await expect.poll(() => row.getByTestId('stock-threshold').textContent()).toBe('500');
    await expect.poll(() => row.locator('.col-available.low').count()).toBe(1);
    // The default applies to the rows without their own.
    await page.getByTestId('stock-default-threshold').fill('1000');
    await page.getByTestId('stock-default-threshold').press('Enter');
    await page.getByTestId('stock-default-threshold').blur();
    const others = page.locator(`[data-testid=stock-row]:not([data-key="${key}"]) [data-testid=stock-threshold]`);
    await expect.poll(() => others.first().textContent()).toBe('1000');
    await expect.poll(() => row.getByTestId('stock-threshold').textContent()).toBe('500');
    await context.close();
  });

  it('opens a listing, edits one variation, and shows Full listings read-only with the reason', async () => {
    const { context, page } = await open(session);
    await openStock(page);
    const withVariations = page
      .locator('[data-testid=stock-row]:has([data-testid=stock-open]):not(:has([data-testid=stock-readonly]))')
      .first();
    const item = (await withVariations.getAttribute('data-key'))!;
    await withVariations.getByTestId('stock-open').click();
    const variation = page.locator(`[data-testid=stock-variation][data-key^="${item}:"]`).first();
    await variation.waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'stock-expanded.png') });
    const vkey = (await variation.getAttribute('data-key'))!;
    await variation.getByTestId('stock-available').click();
    await page.getByTestId('stock-input').fill('12');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => mock(page, (m) => m.stock.queued.map((q) => `${q.target.item_id}:${q.target.variation_id}=${q.quantity}`)))
      .toEqual([`${vkey}=12`]);
    // Full listings: read-only, the reason on the row, no edit box.
    await page.getByTestId('stock-search').fill('');
    const full = page.locator('[data-testid=stock-readonly][data-reason=fulfillment]').first();
    await full.waitFor();
    expect(await full.getAttribute('title')).toBe(stockDictionaries.en.readOnly.fulfillment);
    await full.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'stock-readonly-full.png') });
    await context.close();
  });

  it('changes twenty ticked rows at once and reports each refusal', async () => {
    const { context, page } = await open(session);
    await openStock(page);
    await page.getByTestId('stock-sort-available').click();
    const ticks = page.locator('[data-testid=stock-row] [data-testid=stock-tick]');
    await ticks.first().waitFor();
    for (let i = 0; i < 20; i++) await ticks.nth(i).check();
    const ticked = await page.getByTestId('stock-bulk').textContent();
    expect(Number(ticked?.match(/\d+/)?.[0])).toBeGreaterThanOrEqual(20);
    await page.getByTestId('stock-bulk-op').selectOption('add');
    await page.getByTestId('stock-bulk-n').fill('5');
    await page.screenshot({ path: join(SCREENSHOTS, 'stock-bulk.png') });
    await page.getByTestId('stock-bulk-apply').click();
    await expect.poll(() => page.getByTestId('stock-notice').textContent()).toMatch(/changes queued/);
    const queued = await mock(page, (m) => m.stock.queued.length);
    expect(queued).toBeGreaterThanOrEqual(20);
    await context.close();
  });

  it('filters, searches without accents, sorts, and scrolls 5,000 listings', async () => {
    const { context, page } = await open(session, { rows: 10_000 });
    await openStock(page);
    await expect.poll(() => page.getByTestId('stock-count').textContent()).toMatch(/5,010 listings/);
    await page.getByTestId('stock-filter-outWithQuestions').click();
    await expect.poll(() => page.locator('[data-testid=stock-row]').count()).toBeGreaterThan(0);
    for (const status of await page.locator('[data-testid=stock-row] .status').allTextContents()) expect(status).toBe('Out of stock');
    await page.getByTestId('stock-clear').click();
    await page.getByTestId('stock-search').fill('electrica');
    await expect.poll(() => page.locator('[data-testid=stock-row] .title').first().textContent()).toMatch(/Eléctrica/);
    await page.getByTestId('stock-search').fill('');
    await page.getByTestId('stock-sort-available').click();
    const firstTwo = await page.locator('[data-testid=stock-row] [data-testid=stock-available]').allTextContents();
    expect(Number(firstTwo[0])).toBeGreaterThanOrEqual(Number(firstTwo[1]));
    await page.getByTestId('stock-list').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(() => page.locator('[data-testid=stock-row]').count()).toBeGreaterThan(5);
    expect(await page.locator('[data-testid=stock-list] [role=listitem]').count()).toBeLessThan(60);
    await page.getByTestId('stock-list').evaluate((el) => (el.scrollTop = 0));
    await page.screenshot({ path: join(SCREENSHOTS, 'stock-huge.png') });
    await context.close();
  });

  it('pauses ticked listings', async () => {
    const { context, page } = await open(session);
    await openStock(page);
    await page.getByTestId('stock-filter-low').click();
    await page.getByTestId('stock-filter-low').click();
    const rows = page.locator('[data-testid=stock-row]:has(.status.active)');
    const keys = [await rows.nth(0).getAttribute('data-key'), await rows.nth(1).getAttribute('data-key')];
    for (const key of keys) await page.locator(`[data-testid=stock-row][data-key="${key}"] [data-testid=stock-tick]`).check();
    await page.getByTestId('stock-bulk-op').selectOption('pause');
    expect(await page.getByTestId('stock-bulk-n').count()).toBe(0);
    await page.getByTestId('stock-bulk-apply').click();
    for (const key of keys)
      await expect.poll(() => page.locator(`[data-testid=stock-row][data-key="${key}"] .status`).textContent()).toBe('Paused');
    await context.close();
  });

  it('links a SKU on two accounts, edits one member, and shows the ledger', async () => {
    const { context, page } = await open(session);
    await openStock(page);
    await expect.poll(() => page.getByTestId('stock-links-proposed').textContent()).toMatch(/\d+/);
    await page.getByTestId('stock-links-open').click();
    const group = page.locator('[data-testid=stock-link][data-state=proposed]').first();
    const sku = (await group.getAttribute('data-sku'))!;
    await group.getByTestId('stock-link-confirm').click();
    const confirmed = page.locator(`[data-testid=stock-link][data-sku="${sku}"][data-state=confirmed]`);
    await confirmed.waitFor();
    await confirmed.getByTestId('stock-link-ledger').click();
    await page.locator('[data-testid=stock-ledger] tr[data-cause=link]').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('stock-links').waitFor({ state: 'detached' });
    // Both members are marked; an edit of one sets both.
    await page.getByTestId('stock-search').fill(sku);
    const rows = page.locator('[data-testid=stock-row]');
    await expect.poll(() => rows.count()).toBe(2);
    await expect.poll(() => page.locator('[data-testid=stock-row] [data-testid=stock-linked]').count()).toBe(2);
    await rows.first().getByTestId('stock-available').click();
    await page.getByTestId('stock-input').fill('33');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid=stock-row] [data-testid=stock-available]').allTextContents()).toEqual(['33', '33']);
    await rows.first().getByTestId('stock-linked').click();
    await page.locator('[data-testid=stock-ledger] tr[data-cause=manual]').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'stock-ledger.png') });
    // The linked filter keeps exactly the group's members, whatever the search.
    await page.keyboard.press('Escape');
    await page.getByTestId('stock-ledger').waitFor({ state: 'detached' });
    await page.getByTestId('stock-search').fill('');
    await expect.poll(() => rows.count()).toBeGreaterThan(2);
    await page.getByTestId('stock-filter-linked').click();
    await expect.poll(() => rows.count()).toBe(2);
    await expect.poll(() => page.locator('[data-testid=stock-row] [data-testid=stock-linked]').count()).toBe(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'stock-linked-filter.png') });
    await context.close();
  });

  it('speaks Spanish and Portuguese, and reads in the dark theme', async () => {
    for (const language of ['es', 'pt'] as const) {
      const { context, page } = await open(session, { language, colorScheme: language === 'pt' ? 'dark' : 'light' });
      await page.getByTestId('nav-stock').click();
      await page.locator('[data-testid=stock-row]').first().waitFor();
      const head = await page.locator('[role=columnheader]').allTextContents();
      expect(head.join(' ')).toContain(stockDictionaries[language].columns.available);
      await page.screenshot({ path: join(SCREENSHOTS, `stock-${language}.png`) });
      await context.close();
    }
  });
});
