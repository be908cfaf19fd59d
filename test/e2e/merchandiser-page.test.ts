/**
 * The merchandiser's page in a real headless browser (Debian's Chromium driven by playwright-core)
 * against the real local cloud: purchase orders → a PO → a line's Review, Allocate, Sync date and
 * Remove, each confirmed in the page's dialog, with the effects checked in DynamoDB.
 *
 * Chromium comes from Debian: the `browser` project's globalSetup (test/support/chromium-setup.ts)
 * installs it when it is missing and it may (root or passwordless sudo); otherwise this test fails
 * and says how to install it. OMS_CHROMIUM=<path> drives another Chromium.
 * `OMS_UPDATE_SCREENSHOTS=1` also writes docs/merchandiser-po-detail.png.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merchandiserUrl } from '../../local/http/pages.ts';
import { bucketOf } from '../../shared/domain/lifecycle/index.ts';
import { orderRuntime, preorderRuntime, root } from '../../shared/app/root.ts';
import { chromiumPath } from '../support/chromium.ts';
import { startTestCloud } from '../support/local-cloud.ts';
import { sampleOrder } from '../support/order-core.ts';

const CHROMIUM = chromiumPath();
const TOKEN = 'page-test-token';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let browser: Browser;
let page: Page;
const orders: Record<string, string> = {};

const line = async (orderId: string) =>
  (await orderRuntime(root()).orders.order(orderId)).lines[0]!.buckets;

async function preorder(name: string, date: string, quantity: number, approve = true) {
  const order = sampleOrder(
    {
      date,
      name,
      customer: {
        ...sampleOrder().customer,
        firstName: name.replace('#', 'Customer '),
        lastName: '',
      },
    },
    [{ sku: 'SKU-X', quantity, price: 30, shippingMethod: 'STANDARD', preOrder: true }],
  );
  const created = await orderRuntime(root()).intake.submit(order, {
    source: 'test',
    actor: 'test',
  });
  if (created.status !== 'created') throw new Error(created.status);
  if (approve) {
    await orderRuntime(root()).service.recordNetsuiteIds({
      orderId: created.orderId,
      netsuiteOrderId: `8${Object.keys(orders).length}`,
      lineIds: { '00001': '1' },
      idempotencyKey: `ids-${created.orderId}`,
      actor: 'test',
    });
  }
  orders[name] = created.orderId;
}

const setPoLine = (lineId: string, sku: string, quantity: number, arrivalDate: string) =>
  preorderRuntime(root()).deps.purchaseOrders.upsertLine(
    {
      poId: 'PO-7001',
      lineId,
      sku,
      quantity,
      externalFacilityId: '101',
      arrivalDate,
      facilityId: 'WH-EAST',
    },
    { file: 'open-pos.csv', at: new Date().toISOString() },
  );

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: this browser test needs Debian's chromium ` +
        "(the vitest project 'browser' installs it: run this test through vitest.config.ts; or " +
        'apt-get install -y chromium), or OMS_CHROMIUM=<path>',
    );
  }
  cloud = await startTestCloud({ api: { token: TOKEN } });
  const meta = { file: 'open-pos.csv', at: new Date().toISOString() };
  await preorderRuntime(root()).deps.purchaseOrders.touchHeader('PO-7001', 'WH-EAST', meta);
  await setPoLine('1', 'SKU-X', 5, '2026-03-15');
  await setPoLine('2', 'SKU-Y', 2, '2026-03-15');
  await preorder('#1001', '2025-07-01T09:00:00Z', 2);
  await preorder('#1002', '2025-07-02T09:00:00Z', 1);
  await preorder('#1003', '2025-07-03T09:00:00Z', 1);
  await preorderRuntime(root()).allocation.runFifo({ sku: 'SKU-X' });
  await preorder('#1004', '2025-07-04T09:00:00Z', 1, false); // awaiting NetSuite ids
  await preorder('#1005', '2025-07-05T09:00:00Z', 1);
  await preorder('#1006', '2025-07-06T09:00:00Z', 1);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
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
  page = await browser.newPage({ viewport: { width: 1200, height: 860 } });
});

afterAll(async () => {
  await browser?.close();
  await cloud?.cleanup();
});

const confirmDialog = async (expected: RegExp, answer: 'Confirm' | 'Cancel' = 'Confirm') => {
  const dialog = page.locator('dialog#confirm');
  await dialog.waitFor({ state: 'visible' });
  expect(await dialog.locator('#confirm-text').textContent()).toMatch(expected);
  if (answer === 'Confirm') await dialog.locator('#confirm-ok').click();
  else await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
};

const lineRow = (lineId: string) => page.locator(`tr[data-line="${lineId}"]`);
const message = () => page.locator('#message');

describe('the merchandiser page', () => {
  it('signs in with the token from the address and lists purchase orders', async () => {
    await page.goto(merchandiserUrl(cloud.api!.url, TOKEN));
    await page.getByRole('link', { name: 'PO-7001' }).waitFor();
    // The token left the address bar (kept in sessionStorage for this tab).
    expect(page.url()).not.toContain(TOKEN);
    await page.getByRole('link', { name: 'PO-7001' }).click();
    await page.getByRole('heading', { name: /Purchase order PO-7001/ }).waitFor();
    expect(await lineRow('1').locator('td').allTextContents()).toEqual(
      expect.arrayContaining(['1', 'SKU-X', '5', '2026-03-15', '4', '1', '3']),
    );
  });

  it('Review: the sales orders allocated to a line, with totals', async () => {
    await lineRow('1').getByRole('button', { name: 'Review' }).click();
    const panel = page.locator('[data-panel="review"]');
    await panel.waitFor();
    expect(await panel.locator('tbody tr').count()).toBe(3);
    expect(await panel.locator('[data-total]').textContent()).toBe('4');
    expect(await panel.textContent()).toContain('Customer 1001');
    const shot = await page.screenshot({ fullPage: true });
    writeFileSync(join(mkdtempSync(join(tmpdir(), 'oms-page-')), 'po-detail.png'), shot);
    if (process.env.OMS_UPDATE_SCREENSHOTS === '1') {
      writeFileSync(join(process.cwd(), 'docs/merchandiser-po-detail.png'), shot);
    }
  });

  it('Allocate: chosen sales orders, held ones not choosable, after a confirmation', async () => {
    await lineRow('1').getByRole('button', { name: 'Allocate' }).click();
    const panel = page.locator('[data-panel="allocate"]');
    await panel.waitFor();
    const held = panel.locator(`tr[data-order="${orders['#1004']}"] input[type=checkbox]`);
    expect(await held.isDisabled()).toBe(true);
    expect(await panel.textContent()).toContain('on hold: AWAITING_NETSUITE_IDS');
    await panel.locator(`tr[data-order="${orders['#1005']}"] input[type=checkbox]`).check();
    await panel.getByRole('button', { name: 'Allocate selected' }).click();
    await confirmDialog(/Allocate 1 unit of 1 order line\(s\) to PO PO-7001 line 1/);
    await message()
      .getByText(/Allocated 1 unit to PO PO-7001 line 1; ATP is now 0/)
      .waitFor();
    expect(await line(orders['#1005']!)).toMatchObject({ 1250: 1 });
  });

  it('Sync date: promised dates follow a changed arrival date', async () => {
    await setPoLine('1', 'SKU-X', 5, '2026-04-02'); // a later file moved the arrival
    await page.getByRole('link', { name: '← All purchase orders' }).click();
    await page.getByRole('link', { name: 'PO-7001' }).click();
    await lineRow('1').getByText('4 to sync').waitFor();
    await lineRow('1').getByRole('button', { name: 'Sync date' }).click();
    const panel = page.locator('[data-panel="sync"]');
    await panel.waitFor();
    expect(await panel.getByText('not in sync').count()).toBe(4);
    await panel.getByRole('button', { name: 'Sync dates…' }).click();
    await confirmDialog(/Set the promised date of the 4 allocated order line\(s\) to 2026-04-02/);
    await message().getByText('Promised date 2026-04-02: 4 order line(s) changed.').waitFor();
    const review = await preorderRuntime(root()).allocation.review('PO-7001', '1');
    expect(review.allocations.every((a) => a.promisedDate === '2026-04-02')).toBe(true);
  });

  it('Remove: a cancelled confirmation changes nothing; a confirmed one frees ATP', async () => {
    await lineRow('1').getByRole('button', { name: 'Remove' }).click();
    const panel = page.locator('[data-panel="remove"]');
    await panel.waitFor();
    await panel.locator(`tr[data-order="${orders['#1002']}"] input[type=checkbox]`).check();
    await panel.getByRole('button', { name: 'Remove selected' }).click();
    await confirmDialog(/Release 1 unit of 1 order line\(s\) from PO PO-7001 line 1/, 'Cancel');
    expect(await line(orders['#1002']!)).toMatchObject({ 1250: 1 });

    await panel.getByRole('button', { name: 'Remove selected' }).click();
    await confirmDialog(/Release 1 unit/);
    await message()
      .getByText(/Removed 1 allocation\(s\) from PO PO-7001 line 1; ATP is now 1/)
      .waitFor();
    const buckets = await line(orders['#1002']!);
    expect(bucketOf(buckets, 1250)).toBe(0);
    expect(bucketOf(buckets, 1300)).toBe(1);
    await page
      .locator(`[data-panel="remove"] tr[data-order="${orders['#1002']}"]`)
      .waitFor({ state: 'detached' });
    expect(await page.locator('[data-panel="remove"] tbody tr').count()).toBe(3);
  });

  it('shows why the API refused an allocation', async () => {
    // Another merchandiser took the last unit meanwhile: the page says so.
    await page.goto(`${cloud.api!.url}/merchandiser/#/po/PO-7001/1/allocate`);
    const panel = page.locator('[data-panel="allocate"]');
    await panel.waitFor();
    await panel.locator(`tr[data-order="${orders['#1006']}"] input[type=checkbox]`).check();
    await preorderRuntime(root()).allocation.allocate(
      'PO-7001',
      '1',
      [{ orderId: orders['#1002'], lineSeq: '00001' }],
      {
        idempotencyKey: 'someone-else',
        actor: 'test',
      },
    );
    await panel.getByRole('button', { name: 'Allocate selected' }).click();
    await confirmDialog(/Allocate 1 unit/);
    await page
      .locator('#message.error')
      .getByText(/BEYOND_ATP/)
      .waitFor();
  });
});
