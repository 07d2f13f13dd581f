// An update found by the app's periodic check, on the built UI in Chromium: everyone sees that a
// new version waits, only the owner is offered to install it, and a refusal is shown, not lost.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOTS, start, type Session } from './browser';

let session: Session;
beforeAll(async () => {
  session = await start();
});
afterAll(async () => {
  await session?.close();
});

describe('updates', () => {
  it('offers the new version and installs it on the owner’s word', async () => {
    const context = await session.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await context.newPage();
    await p.goto(`${session.url}?rows=20&language=es`);
    await p.locator('[data-testid=question-row]').first().waitFor();
    expect(await p.locator('[data-testid=update-banner]').count()).toBe(0);

    await p.evaluate(() => {
      const w = window as unknown as { mostradorMock: { offerUpdate(u: unknown): void } };
      w.mostradorMock.offerUpdate({ version: '0.2.0', currentVersion: '0.1.0', notes: 'Mejoras' });
    });
    const banner = p.locator('[data-testid=update-banner]');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('0.2.0');
    await p.screenshot({ path: join(SCREENSHOTS, 'update-banner.png') });
    await p.locator('[data-testid=update-install]').click();
    await expect
      .poll(() => p.evaluate(() => (window as unknown as { mostradorMock: { updatesInstalled: number } }).mostradorMock.updatesInstalled))
      .toBe(1);

    // An operator at the keyboard sees the notice but has nothing to install with.
    await p.evaluate(async () => {
      const w = window as unknown as {
        mostradorMock: {
          teamAdd(d: unknown): Promise<number>;
          teamSwitch(id: number, pin: string | null): Promise<unknown>;
        };
      };
      const id = await w.mostradorMock.teamAdd({ name: 'Ana', can_moderate: false });
      await w.mostradorMock.teamSwitch(id, null);
    });
    await p.locator('[data-testid=nav-metrics]').waitFor({ state: 'detached' });
    await banner.waitFor();
    expect(await p.locator('[data-testid=update-install]').count()).toBe(0);
    await context.close();
  });
});
