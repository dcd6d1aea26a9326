// DESIGN.md section 8: the HTML report rendered in real headless Chromium (Debian's chromium,
// driven by playwright-core), served as Jenkins serves archived HTML: with the CSP
// `default-src 'none'; img-src 'self'; style-src 'self';`. No violation may be reported; the
// cells have their status colours and symbols, the legend is there, this run is highlighted,
// and the layout holds at desktop (1280) and phone (390) widths. Screenshots go to
// test-output/html-report/ for a person to look at.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ReportedEvaluation } from '../packages/core/src/report/html/report-model.js';
import { renderHtmlReport } from '../packages/core/src/report/html/render-html-report.js';
import { chromium, launchChromium } from './support/chromium.js';
import { describeWithReal, repoRoot } from './support/real-components.js';
import { syntheticEvaluations } from './support/synthetic-history.js';

/**
 * The browser globals the page functions below use: the repository compiles without the DOM lib,
 * so they are typed here (the casts vanish; the functions run in the page).
 */
interface Browserside {
  getComputedStyle(element: unknown): Record<'backgroundColor' | 'boxShadow' | 'textDecorationLine', string>;
  document: {
    scripts: { length: number };
    documentElement: { scrollWidth: number };
    addEventListener(
      type: string,
      listener: (event: { violatedDirective: string; blockedURI: string }) => void,
    ): void;
  };
  violations: string[];
}

const CSP = "default-src 'none'; img-src 'self'; style-src 'self';";
const outputDir = path.join(repoRoot, 'test-output/html-report');
const HOSTILE = '<script>alert(1)</script>';

/** 40 evaluations × 8 objectives, newest first; one invalidated, one pinned, one with a hostile label. */
function evaluations(): ReportedEvaluation[] {
  const records = (syntheticEvaluations({ count: 40, objectives: 8 }) as ReportedEvaluation[]).reverse();
  // An objective the SLO gained later: the oldest evaluations have no such cell.
  for (const i of [37, 38, 39]) {
    const record = records[i]!;
    records[i] = { ...record, objectives: record.objectives.filter((o) => o.sli !== 'endpoint_07_p90') };
  }
  records[4] = { ...records[4]!, invalidated: true };
  records[9] = { ...records[9]!, pinned: true };
  records[2] = { ...records[2]!, labels: { ...records[2]!.labels, [HOSTILE]: HOSTILE } };
  return records;
}

interface Served {
  url: string;
  requests: string[];
  close: () => Promise<void>;
}

/** Serves the report's two files with the CSP, a control page that breaks it, and nothing else. */
async function serve(dir: string): Promise<Served> {
  const files: Record<string, [string, string]> = {
    '/index.html': ['text/html; charset=utf-8', readFileSync(path.join(dir, 'index.html'), 'utf8')],
    '/report.css': ['text/css; charset=utf-8', readFileSync(path.join(dir, 'report.css'), 'utf8')],
    // Proves that a violation would be seen: an inline style element and attribute.
    '/control.html': [
      'text/html; charset=utf-8',
      '<!doctype html><style>p { color: red }</style><p style="color: blue">control</p>',
    ],
  };
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    // Chromium asks for it on its own; img-src 'self' allows it.
    if (url === '/favicon.ico') return void res.writeHead(204).end();
    requests.push(url);
    const file = files[url];
    if (file === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[0], 'content-security-policy': CSP }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A page that collects CSP violations two ways: console errors and securitypolicyviolation events. */
async function openPage(browser: Browser, width: number, height: number) {
  const page = await browser.newPage({ viewport: { width, height } });
  const console: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (message) => console.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => console.push(`pageerror: ${error.message}`));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  // Injected by the browser itself (not a page script, so not subject to the CSP).
  await page.addInitScript(() => {
    const seen: string[] = [];
    const browser = globalThis as unknown as Browserside;
    browser.violations = seen;
    browser.document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const violations = async () => {
    // Let queued violation events and console messages arrive.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    const events = await page.evaluate(() => (globalThis as unknown as Browserside).violations);
    return [...events, ...console.filter((line) => /Content Security Policy|Refused to/i.test(line))];
  };
  return { page, console, dialogs, violations };
}

const background = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((e) => (globalThis as unknown as Browserside).getComputedStyle(e).backgroundColor);

describeWithReal(chromium, 'the HTML report in real headless Chromium, under the Jenkins CSP', (found) => {
  let served: Served | undefined;
  let browser: Browser | undefined;
  const records = evaluations();
  const rows = 8;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-html-'));
    const files = renderHtmlReport({
      project: 'sockshop',
      stage: 'hardening',
      service: 'carts',
      evaluations: records,
      currentId: records[0]!.id,
      thresholds: { pass: 90, warning: 75 },
      generatedAt: '2026-10-03T12:00:00.000Z',
    });
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    mkdirSync(outputDir, { recursive: true });
    served = await serve(dir);
    browser = await launchChromium(found.bin);
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('sees a violation on a control page that breaks the CSP (the checks below can fail)', async () => {
    const { page, violations } = await openPage(browser!, 800, 600);
    await page.goto(`${served!.url}/control.html`);
    expect((await violations()).length).toBeGreaterThanOrEqual(2);
    await page.close();
  });

  it('renders at desktop width without a CSP violation, styled, with colours, symbols, legend and marks', async () => {
    const { page, console, dialogs, violations } = await openPage(browser!, 1280, 900);
    const response = await page.goto(`${served!.url}/index.html`);
    expect(response?.headers()['content-security-policy']).toBe(CSP);
    expect(await violations()).toEqual([]);
    expect(console.filter((line) => line.startsWith('error') || line.startsWith('pageerror'))).toEqual([]);
    expect(served!.requests).toEqual(expect.arrayContaining(['/index.html', '/report.css']));

    // Status colours (from report.css, so the stylesheet loaded) and a symbol in every cell.
    const states: [string, string, string][] = [
      ['p', 'rgb(210, 244, 220)', '✓'],
      ['w', 'rgb(255, 240, 184)', '!'],
      ['f', 'rgb(255, 216, 211)', '✗'],
      ['i', 'rgb(221, 240, 255)', 'i'],
      ['n', 'rgb(239, 242, 245)', '·'],
    ];
    for (const [cls, colour, symbol] of states) {
      const selector = `table.grid tbody td.${cls}:not(.x):not(.c)`;
      expect(await page.locator(selector).count(), cls).toBeGreaterThan(0);
      expect(await background(page, selector), cls).toBe(colour);
      const texts = await page.locator(`table.grid tbody td.${cls}`).allTextContents();
      expect(
        texts.every((t) => t.startsWith(symbol)),
        cls,
      ).toBe(true);
    }

    // The legend, with a meaning for every colour and mark.
    await expect.poll(() => page.locator('#h-legend').isVisible()).toBe(true);
    const legend = (await page.locator('ul.legend').textContent()) ?? '';
    for (const meaning of [
      'pass',
      'warning',
      'fail',
      'informational',
      'not evaluated',
      'key SLI',
      'this run',
      'pinned baseline',
      'invalidated',
    ])
      expect(legend).toContain(meaning);

    // This run: one highlighted column, framed from its header to its last cell, and in view on opening.
    expect(await page.locator('table.grid th.ev.c').count()).toBe(1);
    expect(await page.locator('table.grid td.c').count()).toBe(rows + 1);
    expect(await background(page, 'table.grid th.ev.c')).toBe('rgb(255, 248, 197)');
    const frame = await page
      .locator('table.grid td.c')
      .first()
      .evaluate((e) => (globalThis as unknown as Browserside).getComputedStyle(e).boxShadow);
    expect(frame).toContain('inset');
    const current = await page.locator('table.grid th.ev.c').boundingBox();
    expect(current!.x + current!.width).toBeLessThanOrEqual(1280);
    expect(await page.locator('table.grid th.ev.c').textContent()).toContain('▶');

    // Invalidated: struck through; pinned: flagged.
    const struck = await page
      .locator('table.grid td.x')
      .first()
      .evaluate((e) => (globalThis as unknown as Browserside).getComputedStyle(e).textDecorationLine);
    expect(struck).toBe('line-through');
    expect(await page.locator('table.grid th.ev.k').textContent()).toContain('⚑');
    expect(await page.locator('table.grid th.ev.x').textContent()).toContain('⊘');
    expect(await page.locator('abbr.key').count()).toBe(1);

    // History's text is text: the hostile label is shown, nothing runs.
    expect(await page.locator('code.label', { hasText: HOSTILE }).count()).toBe(1);
    expect(await page.evaluate(() => (globalThis as unknown as Browserside).document.scripts.length)).toBe(0);
    expect(dialogs).toEqual([]);

    // Charts: the score with both thresholds, and one per objective.
    expect(await page.locator('svg.chart').count()).toBe(1 + rows);
    expect(await page.locator('svg.chart .rule').count()).toBe(2);

    await page.screenshot({ path: path.join(outputDir, 'desktop.png'), fullPage: true });
    await page.close();
  });

  it('keeps the objectives column in view while the heatmap scrolls sideways', async () => {
    const { page } = await openPage(browser!, 1280, 900);
    await page.goto(`${served!.url}/index.html`);
    const scroll = page.locator('.scroll');
    const box = await scroll.boundingBox();
    // Opened at the newest end; scroll to the oldest.
    await scroll.evaluate((e) => {
      const box = e as unknown as { scrollWidth: number; scrollBy(options: { left: number }): void };
      box.scrollBy({ left: -box.scrollWidth });
    });
    const objective = await page.locator('table.grid tbody th[scope="row"]').first().boundingBox();
    expect(Math.abs(objective!.x - box!.x)).toBeLessThan(3);
    const oldest = await page.locator('table.grid th.ev').first().boundingBox();
    expect(oldest!.x).toBeGreaterThanOrEqual(objective!.x + objective!.width - 1);
    expect(oldest!.x + oldest!.width).toBeLessThanOrEqual(box!.x + box!.width);
    await page.close();
  });

  it('fits a phone (390 px): nothing but the tables and charts scrolls sideways', async () => {
    const { page, violations } = await openPage(browser!, 390, 844);
    await page.goto(`${served!.url}/index.html`);
    expect(await violations()).toEqual([]);
    expect(
      await page.evaluate(() => (globalThis as unknown as Browserside).document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(390);
    const objective = await page.locator('table.grid tbody th[scope="row"]').first().boundingBox();
    expect(objective!.width).toBeLessThanOrEqual(160);
    const current = await page.locator('table.grid th.ev.c').boundingBox();
    expect(current!.x).toBeGreaterThanOrEqual(objective!.x + objective!.width - 1);
    expect(current!.x + current!.width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(outputDir, 'phone.png'), fullPage: true });
    await page.screenshot({ path: path.join(outputDir, 'phone-top.png') });
    await page.close();
  });
});
