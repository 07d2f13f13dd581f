// A seller's first day on the built UI in Chromium: the welcome screen, the demo banner on every
// screen, and the guided connection, in Spanish, Portuguese and English (screenshots to look at).
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { welcomeDictionaries } from '../src/features/welcome/strings';
import { SCREENSHOTS, start, type Session } from './browser';

let session: Session;
beforeAll(async () => {
  session = await start();
});
afterAll(async () => {
  await session?.close();
});

async function page(mode: string, language: 'es' | 'pt' | 'en'): Promise<Page> {
  const context = await session.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const p = await context.newPage();
  await p.goto(`${session.url}?rows=40&language=${language}&mode=${mode}`);
  return p;
}

describe('first day', () => {
  for (const language of ['es', 'pt', 'en'] as const) {
    const w = welcomeDictionaries[language];
    it(`welcome, guided setup and the demo label (${language})`, async () => {
      const p = await page('welcome', language);
      await p.locator('[data-testid=welcome]').waitFor();
      expect(await p.locator('[data-testid=welcome-demo]').textContent()).toContain(w.tryDemo);
      await p.screenshot({ path: join(SCREENSHOTS, `welcome-${language}.png`) });

      await p.locator('[data-testid=welcome-connect]').click();
      await p.locator('[data-testid=connect-guide]').waitFor();
      for (const step of [1, 2, 3, 4]) await p.locator(`[data-testid=guide-step-${step}]`).waitFor();
      expect(await p.locator('[data-testid=demo-banner]').count()).toBe(0);
      await p.screenshot({ path: join(SCREENSHOTS, `connect-guide-${language}.png`), fullPage: true });
      await p.locator('[data-testid=redirect-https]').click();
      await p.locator('[data-testid=connect-redirect]').fill('https://example.com/mostrador');
      await p.locator('[data-testid=connect-client-id]').fill('1234567');
      await p.locator('[data-testid=connect-client-secret]').fill('s3cret');
      await p.locator('[data-testid=connect-begin]').click();
      await p.locator('[data-testid=connect-landed]').fill('https://example.com/mostrador?error=invalid_operator_user_id');
      await p.locator('[data-testid=connect-finish]').click();
      expect(await p.locator('[data-testid=accounts-error]').textContent()).toBe(w.errors.operator_cannot_connect);
      await p.screenshot({ path: join(SCREENSHOTS, `connect-waiting-${language}.png`), fullPage: true });

      await p.locator('[data-testid=accounts-open-demo]').click();
      const banner = p.locator('[data-testid=demo-banner]');
      await banner.waitFor();
      expect(await banner.textContent()).toContain(w.demoBanner);
      await p.locator('[data-testid=question-row]').first().waitFor();
      await p.screenshot({ path: join(SCREENSHOTS, `demo-banner-${language}.png`) });
      await p.context().close();
    });
  }
});
