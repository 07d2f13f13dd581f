// The metrics screen in a real browser on the built UI: uPlot draws every chart on a canvas,
// hovering a day shows its figures, clicking a day of questions opens the inbox on that day,
// the thermometers with their forecast, three languages, light and dark.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsDictionaries } from '../src/features/metrics/strings';
import { open, SCREENSHOTS, start, type Session } from './browser';

let session: Session;
beforeAll(async () => {
  session = await start();
});
afterAll(async () => {
  await session?.close();
});

async function openMetrics(page: Page): Promise<void> {
  await page.getByTestId('nav-metrics').click();
  await page.locator('[data-testid=chart-questions] canvas').first().waitFor();
  await page.locator('[data-testid=chart-delayed_rate] canvas').first().waitFor();
}

describe('metrics flows', () => {
  it('draws every chart, shows a day on hover and opens its questions on click', async () => {
    const { context, page } = await open(session);
    await openMetrics(page);
    for (const chart of ['questions', 'response', 'sales', 'amount', 'claims_rate', 'cancellations_rate', 'delayed_rate']) {
      expect(await page.locator(`[data-testid=chart-${chart}] canvas`).count(), chart).toBeGreaterThan(0);
    }
    // The canvas is really painted: some pixels are not background.
    const painted = await page.locator('[data-testid=chart-questions] canvas').first().evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let ink = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) ink++;
      return ink;
    });
    expect(painted).toBeGreaterThan(1000);
    await page.screenshot({ path: join(SCREENSHOTS, 'metrics-en-light.png') });
    await page.getByTestId('chart-delayed_rate').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'metrics-sales-and-rates.png') });
    await page.getByTestId('chart-questions').scrollIntoViewIfNeeded();

    // Hover the last third of the questions chart: the legend shows that day's figures.
    const over = page.locator('[data-testid=chart-questions] .u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
    const legendDay = page.locator('[data-testid=chart-questions] .u-legend .u-series').first().locator('.u-value');
    await expect.poll(() => legendDay.textContent()).toMatch(/^2026-\d\d-\d\d$/);
    const day = (await legendDay.textContent())!;
    await page.screenshot({ path: join(SCREENSHOTS, 'metrics-hover.png') });

    // Click it: the inbox lists every question of that day.
    await page.mouse.click(box.x + box.width * 0.8, box.y + box.height / 2);
    await page.locator('[data-testid=question-row]').first().waitFor();
    const asked = (await page.evaluate('window.mostradorMock.lastInboxQuery')) as { from?: string; to?: string; status: string };
    expect(asked.status).toBe('all');
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    expect(asked.from).toBe(new Date(y, m - 1, d).toISOString());
    await context.close();
  });

  it('shows the thermometers with their forecast and a seller under protection', async () => {
    const { context, page } = await open(session);
    await openMetrics(page);
    const outlet = page.getByTestId('thermometer-2');
    await expect.poll(() => outlet.getByTestId('difference').textContent()).toBe(metricsDictionaries.en.differences.protection);
    await outlet.scrollIntoViewIfNeeded();
    await page.getByTestId('thermometer-1').screenshot({ path: join(SCREENSHOTS, 'metrics-thermometer-forecast.png') });
    await outlet.screenshot({ path: join(SCREENSHOTS, 'metrics-thermometer-protected.png') });
    await page.getByTestId('range-30').click();
    await expect.poll(() => page.getByTestId('chart-questions-table').locator('tbody tr').count()).toBe(30);
    await context.close();
  });

  it('speaks Spanish and Portuguese, and reads in the dark theme', async () => {
    for (const [language, colorScheme] of [
      ['es', 'light'],
      ['pt', 'light'],
      ['es', 'dark'],
      ['en', 'dark'],
    ] as const) {
      const { context, page } = await open(session, { language, colorScheme });
      await openMetrics(page);
      const strings = metricsDictionaries[language];
      await expect.poll(() => page.locator('[data-testid=chart-questions] figcaption').textContent()).toBe(strings.questionsTitle);
      expect(await page.getByTestId('nav-metrics').textContent()).toContain(strings.metrics);
      await page.screenshot({ path: join(SCREENSHOTS, `metrics-${language}-${colorScheme}.png`) });
      await page.getByTestId('chart-delayed_rate').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, `metrics-rates-${language}-${colorScheme}.png`) });
      await context.close();
    }
  });
});
