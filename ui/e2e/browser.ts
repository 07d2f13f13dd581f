// Serves the built UI (dist/) and drives it in the system's Chromium through playwright-core.
// The page runs on the mock backend, reachable as `window.mostradorMock`.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
/** Where screenshots go (looked at by a person; not compared). */
export const SCREENSHOTS = resolve(process.env.CARGO_TARGET_DIR ?? resolve(here, '../../target'), 'screenshots');

export interface Session {
  browser: Browser;
  server: PreviewServer;
  url: string;
  close: () => Promise<void>;
}

/** Starts the static server on a free loopback port and launches Chromium headless. */
export async function start(): Promise<Session> {
  const server = await preview({
    root: resolve(here, '..'),
    configFile: resolve(here, '../vite.config.ts'),
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the preview server has no address');
  // Playwright gives every launch a fresh temporary profile.
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    browser,
    server,
    url,
    close: async () => {
      await browser.close();
      await new Promise<void>((done) => server.httpServer.close(() => done()));
    },
  };
}

export interface Options {
  /** Questions the mock seller has. */
  rows?: number;
  /** The language chosen in the (mock) settings; else the browser's, en-US. */
  language?: 'es' | 'pt' | 'en';
  colorScheme?: 'light' | 'dark';
}

/** A fresh page on the app, its inbox loaded. */
export async function open(session: Session, options: Options = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await session.browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const language = options.language ? `&language=${options.language}` : '';
  await page.goto(`${session.url}?rows=${options.rows ?? 240}${language}`);
  await page.locator('[data-testid=question-row]').first().waitFor();
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  return { context, page };
}
