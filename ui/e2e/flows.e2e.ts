// The inbox and quick replies in a real browser on the built UI: filters, search, the keyboard
// from open to send, template insertion with its preview, bulk delete confirmation, the palette,
// 100,000 rows, every language, and hostile buyer text.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dictionaries } from '../src/lib/i18n';
import { open, SCREENSHOTS, start, type Session } from './browser';

let session: Session;
beforeAll(async () => {
  session = await start();
});
afterAll(async () => {
  await session?.close();
});

type Mock = {
  sent: { questionId: number; text: string }[];
  questions: { id: number; status: string; text: string; date_created: string }[];
  arrive: (q: unknown) => void;
};
const mock = <T>(page: Page, f: (m: Mock) => T): Promise<T> =>
  page.evaluate(`(${f.toString()})(window.mostradorMock)`) as Promise<T>;

const selectedId = (page: Page) =>
  page.locator('[data-testid=question-row].selected').getAttribute('data-question-id');

describe('inbox flows', () => {
  it('answers from the keyboard: j, r, type, Ctrl+Enter', async () => {
    const { context, page } = await open(session);
    const first = await selectedId(page);
    await page.keyboard.press('j');
    const second = await selectedId(page);
    expect(second).not.toBe(first);
    await page.keyboard.press('r');
    await page.keyboard.type('¡Hola! Sí, hay stock.');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => mock(page, (m) => m.sent)).toEqual([{ questionId: Number(second), text: '¡Hola! Sí, hay stock.' }]);
    await page.locator(`[data-testid=question-row][data-question-id="${second}"] .chip.sending`).waitFor();
    await context.close();
  });

  it('filters by status and searches accent-insensitively with highlights', async () => {
    const { context, page } = await open(session, { rows: 300 });
    await page.getByTestId('filter-all').click();
    await expect.poll(() => page.getByTestId('question-list').getAttribute('data-total')).toBe('300');
    await page.getByTestId('filter-answered').click();
    await expect.poll(() => page.getByTestId('question-list').getAttribute('data-total')).toBe('276');
    await page.keyboard.press('/');
    await page.keyboard.type('envio cordoba');
    await expect.poll(() => page.locator('[data-testid=question-row] mark').first().textContent()).toBe('envío');
    const marks = await page.locator('[data-testid=question-row]').first().locator('mark').allTextContents();
    expect(marks).toEqual(expect.arrayContaining(['envío', 'Córdoba']));
    expect(await page.getByTestId('list-count').textContent()).toMatch(/\d+ results/);
    await context.close();
  });

  it('creates a quick reply with a live preview and inserts it with its number', async () => {
    const { context, page } = await open(session);
    await page.getByTestId('nav-replies').click();
    await page.getByTestId('template-title').fill('Agradecer');
    await page.getByTestId('template-text').fill('¡Gracias {buyer}! {firma}');
    await expect.poll(() => page.getByTestId('template-preview').textContent()).toMatch(/¡Gracias [A-Z_.0-9]+! \{firma\}/);
    expect(await page.getByTestId('template-unknown').textContent()).toContain('{firma}');
    await page.getByTestId('template-save').click();
    await expect.poll(() => page.getByTestId('template-item').count()).toBe(4);
    await page.getByTestId('nav-inbox').click();
    await page.getByTestId('question-detail').waitFor();
    const buyer = await page.locator('[data-testid=question-row].selected .buyer').textContent();
    // Its key is the number on its chip.
    await page.locator('[data-testid=template-chip]').first().waitFor();
    const chips = await page.locator('[data-testid=template-chip]').allTextContents();
    const key = chips.findIndex((c) => c.includes('Agradecer')) + 1;
    expect(key).toBeGreaterThan(0);
    await page.keyboard.press(String(key));
    await expect.poll(() => page.getByTestId('answer-input').inputValue()).toBe(`¡Gracias ${buyer!.trim()}! {firma}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-template-inserted.png') });
    await context.close();
  });

  it('deletes ticked questions only after confirming', async () => {
    const { context, page } = await open(session);
    const ids = await page.locator('[data-testid=question-row]').evaluateAll((rows) =>
      rows.slice(0, 2).map((r) => Number((r as HTMLElement).dataset.questionId)),
    );
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await page.getByTestId('bulk-delete').click();
    await page.getByTestId('bulk-confirm-text').waitFor();
    expect(await mock(page, (m) => m.questions.filter((q) => q.status === 'DELETED').length)).toBe(0);
    await page.getByTestId('bulk-confirm').click();
    await expect
      .poll(() => mock(page, (m) => m.questions.filter((q) => q.status === 'DELETED').map((q) => q.id).sort()))
      .toEqual([...ids].sort());
    await expect.poll(() => page.locator(`[data-question-id="${ids[0]}"]`).count()).toBe(0);
    await context.close();
  });

  it('the palette goes to a screen and groups the inbox', async () => {
    const { context, page } = await open(session);
    await page.keyboard.press('Control+k');
    await page.getByTestId('palette-input').fill('settings');
    await page.keyboard.press('Enter');
    await page.getByTestId('notification-settings').waitFor();
    await page.keyboard.press('Control+k');
    await page.getByTestId('palette-input').fill('group by listing');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=group-row]').first().waitFor();
    expect(await page.locator('[data-testid=group-row]').count()).toBeGreaterThan(1);
    await page.keyboard.press('Enter');
    await page.getByTestId('group-head').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-grouped-open.png') });
    await context.close();
  });

  it('answers a post-sale message from the keyboard, linted against 350 characters', async () => {
    const { context, page } = await open(session);
    const waitingBefore = Number(await page.getByTestId('kind-messages-count').textContent());
    expect(waitingBefore).toBeGreaterThan(1);
    await page.keyboard.press('m');
    await page.getByTestId('conversation-detail').waitFor();
    expect(await page.getByTestId('conversations-waiting').textContent()).toBe(String(waitingBefore));
    // The longest-waiting conversation opens first; j moves to the next.
    const packOf = () => page.locator('[data-testid=conversation-row].selected').getAttribute('data-pack-id');
    const first = await packOf();
    await page.keyboard.press('j');
    await expect.poll(packOf).not.toBe(first);
    const pack = await packOf();
    await expect.poll(() => page.getByTestId('conversation-detail').getAttribute('data-pack-id')).toBe(pack);
    await page.keyboard.press('r');
    // Over the limit: refused before anything is sent, with the count in red.
    await page.keyboard.insertText('x'.repeat(351));
    expect(await page.getByTestId('message-send').isDisabled()).toBe(true);
    expect(await page.getByTestId('message-count').getAttribute('class')).toContain('over');
    await page.getByTestId('message-input').fill('');
    await page.keyboard.type('Hola! Te escribo al 11 5555-1234');
    await page.getByTestId('lint-findings').waitFor();
    await page.getByTestId('message-input').fill('');
    await page.keyboard.type('¡Hola! Sale hoy, te llega el seguimiento.');
    await page.keyboard.press('Control+Enter');
    await expect
      .poll(() => mock(page, (m) => (m as unknown as { sentMessages: unknown[] }).sentMessages))
      .toEqual([{ accountId: 1, packId: Number(pack), text: '¡Hola! Sale hoy, te llega el seguimiento.' }]);
    // Answered: it leaves the waiting list and the count drops; the next waiting one opens.
    await expect.poll(() => page.getByTestId('conversations-waiting').textContent()).toBe(String(waitingBefore - 1));
    await expect.poll(() => page.getByTestId('conversation-detail').getAttribute('data-pack-id')).not.toBe(pack);
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-messages-next.png') });
    // `e`: this one needs no reply; it leaves the waiting list too.
    const done = await page.getByTestId('conversation-detail').getAttribute('data-pack-id');
    await page.keyboard.press('e');
    await expect.poll(() => page.getByTestId('conversations-waiting').textContent()).toBe(String(waitingBefore - 2));
    await expect.poll(() => page.getByTestId('conversation-detail').getAttribute('data-pack-id')).not.toBe(done);
    // The sent message shows among the answered, on its way.
    await page.getByTestId('conversation-filter-answered').click();
    await page.locator(`[data-testid=conversation-row][data-pack-id="${pack}"]`).click();
    await page.getByTestId('message-sending').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-messages-sent.png') });
    // Search across all conversations, accent-insensitive, highlighted.
    await page.getByTestId('conversation-filter-all').click();
    await page.keyboard.press('/');
    await page.keyboard.type('cuando despachan');
    await expect.poll(() => page.locator('[data-testid=conversation-row] mark').first().textContent()).toBe('Cuándo');
    // m goes on to the sales, then to everything waiting (questions and conversations in one
    // list), then back to the questions.
    await page.getByTestId('conversation-search').press('Enter');
    await page.keyboard.press('m');
    await page.getByTestId('sales-list').waitFor();
    await page.keyboard.press('m');
    await page.getByTestId('waiting-list').waitFor();
    await expect
      .poll(() => page.locator('[data-testid=waiting-list] [data-testid=conversation-row]').count())
      .toBeGreaterThan(0);
    expect(await page.locator('[data-testid=waiting-list] [data-testid=question-row]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-waiting.png') });
    await page.keyboard.press('m');
    await page.getByTestId('question-list').waitFor();
    await context.close();
  });
});

describe('a long inbox', () => {
  it('holds 100,000 questions with only the rows on screen in the page', async () => {
    const { context, page } = await open(session, { rows: 100_000 });
    await page.getByTestId('filter-all').click();
    await expect.poll(() => page.getByTestId('question-list').getAttribute('data-total')).toBe('100000');
    expect(await page.locator('[data-testid=question-row]').count()).toBeLessThan(30);
    // To the very end: the last row renders (its page is read on demand).
    await page.getByTestId('question-list').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator('[aria-posinset="100000"] [data-testid=question-row]').waitFor();
    expect(await page.locator('[data-testid=question-row]').count()).toBeLessThan(30);
    // Then into the middle and back to the top.
    await page.getByTestId('question-list').evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await page.locator('[aria-posinset="50001"] [data-testid=question-row]').waitFor();
    await page.getByTestId('question-list').evaluate((el) => (el.scrollTop = 0));
    await page.locator('[aria-posinset="1"] [data-testid=question-row]').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-100k.png') });
    await context.close();
  });
});

describe('languages and themes', () => {
  for (const lang of ['es', 'pt', 'en'] as const) {
    it(`${lang}: every screen renders its texts in light and dark`, async () => {
      const t = dictionaries[lang];
      for (const colorScheme of ['light', 'dark'] as const) {
        const { context, page } = await open(session, { language: lang, colorScheme, rows: 2000 });
        expect(await page.getByTestId('nav-inbox').textContent()).toContain(t.inbox);
        expect(await page.getByTestId('filter-unanswered').textContent()).toContain(t.unanswered);
        await page.getByTestId('question-detail').waitFor();
        await page.screenshot({ path: join(SCREENSHOTS, `ui-inbox-${lang}-${colorScheme}.png`) });
        await page.getByTestId('kind-messages').click();
        expect(await page.getByTestId('kind-messages').textContent()).toContain(t.kindMessages);
        await page.getByTestId('thread-message').first().waitFor();
        expect(await page.getByTestId('conversation-detail').textContent()).toContain(t.yourMessage);
        expect((await page.locator('body').textContent()) ?? '').not.toMatch(/undefined|\[object Object\]|NaN/);
        await page.screenshot({ path: join(SCREENSHOTS, `ui-messages-${lang}-${colorScheme}.png`) });
        await page.getByTestId('kind-waiting').click();
        expect(await page.getByTestId('kind-waiting').textContent()).toContain(t.kindWaiting);
        await page.getByTestId('waiting-list').waitFor();
        expect((await page.locator('body').textContent()) ?? '').not.toMatch(/undefined|\[object Object\]|NaN/);
        await page.screenshot({ path: join(SCREENSHOTS, `ui-waiting-${lang}-${colorScheme}.png`) });
        await page.getByTestId('kind-questions').click();
        for (const [nav, label] of [
          ['nav-replies', t.quickReplies],
          ['nav-accounts', t.accounts],
          ['nav-settings', t.settings],
        ] as const) {
          await page.getByTestId(nav).click();
          expect(await page.getByTestId(nav).textContent()).toContain(label);
          const text = (await page.locator('body').textContent()) ?? '';
          expect(text).not.toMatch(/undefined|\[object Object\]|NaN/);
        }
        const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
        // The OS scheme decides: a dark body in dark mode, a light one otherwise.
        const [r] = background.match(/\d+/g)!.map(Number);
        expect(colorScheme === 'dark' ? r! < 80 : r! > 200).toBe(true);
        await context.close();
      }
    });
  }
});

describe('untrusted buyer text', () => {
  it('shows an HTML/script payload as literal text and runs nothing', async () => {
    const { context, page } = await open(session);
    const payload = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> ¿hay stock?`;
    await page.evaluate((text) => {
      const m = (window as unknown as { mostradorMock: Mock }).mostradorMock;
      m.arrive({ ...m.questions[0], id: 1, text, status: 'UNANSWERED', date_created: new Date(0).toISOString() });
    }, payload);
    const row = page.locator('[data-testid=question-row][data-question-id="1"]');
    await row.waitFor();
    await row.click();
    await expect.poll(() => page.getByTestId('question-text').textContent()).toBe(payload);
    // The only image is the listing's photo from the core, never one from the buyer's text.
    const images = await page
      .locator('[data-testid=question-detail] img, [data-testid=question-list] img')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-testid'), e.getAttribute('src')?.slice(0, 5)]));
    expect(images.every(([id, src]) => id === 'listing-photo' && src === 'data:')).toBe(true);
    expect(await page.locator('#app script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await context.close();
  });

  it('shows the same payload in a post-sale message as literal text', async () => {
    const { context, page } = await open(session);
    const payload = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> ¿y mi envío?`;
    await page.getByTestId('kind-messages').click();
    await page.getByTestId('conversation-detail').waitFor();
    const pack = await page.getByTestId('conversation-detail').getAttribute('data-pack-id');
    await page.evaluate(
      ([text, id]) => (window as unknown as { mostradorMock: { buyerWrites: (p: number, t: string) => void } }).mostradorMock.buyerWrites(Number(id), text!),
      [payload, pack],
    );
    await expect.poll(() => page.getByTestId('thread-message').last().locator('.bubble').textContent()).toBe(payload);
    await expect.poll(() => page.locator('[data-testid=conversation-row].selected .text').textContent()).toContain('<script>');
    expect(await page.locator('[data-testid=conversation-detail] img, [data-testid=conversation-list] img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await context.close();
  });
});
