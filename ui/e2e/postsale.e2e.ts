// Post-sale quick replies on the built UI in Chromium: written with order variables on the quick
// replies screen (previewed with a sale), then offered by number in a conversation, filled with
// that sale's values.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, SCREENSHOTS, start, type Session } from './browser';

let session: Session;
beforeAll(async () => {
  session = await start();
});
afterAll(async () => {
  await session?.close();
});

describe('post-sale quick replies', () => {
  it('are written with order variables and fill a conversation’s reply from the keyboard', async () => {
    const { context, page } = await open(session);
    await page.getByTestId('nav-replies').click();
    await page.getByTestId('template-kind-post_sale').click();
    await expect.poll(() => page.getByTestId('template-item').count()).toBe(3);
    await page.getByTestId('template-item').first().click();
    await page.getByTestId('template-preview').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-templates-post-sale.png'), fullPage: true });

    await page.getByTestId('nav-inbox').click();
    await page.getByTestId('question-row').first().waitFor();
    await page.keyboard.press('m');
    await page.getByTestId('conversation-detail').waitFor();
    await expect.poll(() => page.getByTestId('template-chip').count()).toBe(3);
    await page.keyboard.press('2');
    const input = page.getByTestId('message-input');
    await expect.poll(() => input.inputValue()).toMatch(/^¡Hola \S+! Gracias por tu compra #\d+ \(1 × .+\)/);
    expect(await input.inputValue()).not.toContain('{');
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-conversation-template.png') });

    // A parcel Mercado Libre reports late shows on its conversation.
    await page.getByTestId('conversation-filter-all').click();
    for (const row of await page.getByTestId('conversation-row').all()) {
      await row.click();
      if ((await page.getByTestId('shipment-delayed').count()) > 0) break;
    }
    await page.getByTestId('shipment-delayed').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-shipment-delayed.png') });

    // The conversation Mercado Libre closed says why, with no composer to fail in.
    await page.getByTestId('conversation-filter-answered').click();
    await page.getByTestId('conversation-row').last().click();
    await page.getByTestId('conversation-blocked').waitFor();
    expect(await page.getByTestId('message-input').isDisabled()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-conversation-blocked.png') });
    await context.close();
  });

  it('write to a buyer first through the action guide from the sales to dispatch today', async () => {
    const { context, page } = await open(session);
    await page.getByTestId('nav-inbox').click();
    await page.getByTestId('kind-sales').click();
    await page.getByTestId('sale-row').first().waitFor();
    expect(Number(await page.getByTestId('sales-to-dispatch').textContent())).toBeGreaterThan(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-sales-to-dispatch.png') });
    await page.getByTestId('sale-contact').click();
    await expect.poll(() => page.getByTestId('contact-option').count()).toBe(4);
    await page.getByTestId('contact-option').filter({ has: page.locator('input[value=OTHER]') }).click();
    await page.getByTestId('contact-text').fill('¿Lo querés con envoltorio de regalo?');
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-contact-dialog.png') });
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('conversation-detail').waitFor();
    await expect.poll(() => page.getByTestId('conversation-detail').textContent()).toContain('envoltorio de regalo');
    await context.close();
  });

  it('attaches a file, offers past replies and says when the assistant intermediates', async () => {
    const { context, page } = await open(session);
    await page.getByTestId('nav-inbox').click();
    await page.getByTestId('question-row').first().waitFor();
    await page.keyboard.press('m');
    await page.getByTestId('conversation-filter-all').click();
    // The Brazilian buyer writing through Mercado Libre's assistant.
    let intermediated = false;
    for (const row of await page.getByTestId('conversation-row').all()) {
      await row.click();
      await page.getByTestId('conversation-detail').waitFor();
      if ((await page.getByTestId('conversation-intermediated').count()) > 0) {
        intermediated = true;
        break;
      }
    }
    expect(intermediated).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-conversation-intermediated.png') });
    // A conversation with past replies to buyers who wrote alike, and a file attached.
    let suggested = false;
    for (const row of await page.getByTestId('conversation-row').all()) {
      await row.click();
      await page.getByTestId('conversation-detail').waitFor();
      if ((await page.getByTestId('conversation-blocked').count()) > 0) continue;
      try {
        await page.getByTestId('suggestions').waitFor({ timeout: 1500 });
        suggested = true;
        break;
      } catch {
        // No buyer wrote alike here; try the next one.
      }
    }
    expect(suggested).toBe(true);
    await page.getByTestId('attachment-input').setInputFiles({ name: 'factura-2000100001.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%mock\n') });
    await expect.poll(() => page.getByTestId('composer-attachment').textContent()).toContain('factura-2000100001.pdf');
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-conversation-attachment.png') });
    await context.close();
  });

  it('automatic messages are previewed with the latest sales before a rule is switched on', async () => {
    const { context, page } = await open(session);
    await page.getByTestId('nav-settings').click();
    const paid = page.locator('[data-testid=auto-rule][data-trigger=paid]');
    await paid.getByTestId('auto-template').selectOption({ index: 1 });
    await paid.getByTestId('auto-preview-item').first().waitFor();
    await paid.getByTestId('auto-enabled').check();
    await expect.poll(() => paid.getAttribute('data-enabled')).toBe('true');
    await page.getByTestId('auto-messages').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-automatic-messages.png') });
    await context.close();
  });
});
