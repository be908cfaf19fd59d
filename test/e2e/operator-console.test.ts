/**
 * The operator console in a real headless browser (Debian's Chromium through playwright-core)
 * against the real local cloud, with real failures made for the test:
 *
 * - a message parked in the dead-letter queue: a snapshot uploaded while the inventory table is
 *   missing fails every delivery; once the table is back, **Re-drive** imports it;
 * - a file with a wrong header dropped over SFTP goes to failed/; **Correct and re-import**
 *   (the corrected text) imports it;
 * - a row the product import refused (its error report: line, field, reason); the corrected row
 *   re-imported;
 * - a row NetSuite refused (its exception file, read by the `netsuite-exceptions` job);
 *   **Re-send** puts it in the next allocation export;
 * - an order waiting for a mapping (a shipping method NetSuite has no id for).
 *
 * Each shows up on the page with its reason, each action fixes it and the page shows it fixed,
 * and every action is in the audit (Activity). A merchandiser sees 403 and an admin may read but
 * not act; neither changes anything. Phone and desktop sizes; `OMS_UPDATE_SCREENSHOTS=1` writes
 * the screenshots into docs/.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, waitUntilTableNotExists } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTables } from '../../local/tables.ts';
import type { Facility } from '../../shared/domain/facility.ts';
import {
  allocationEntryId,
  NETSUITE_FULFILLED,
  type AllocationPayload,
} from '../../shared/domain/sync/allocation-rows.ts';
import { partyIdFor } from '../../shared/domain/sync/party.ts';
import { feedById, type FeedId } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { feedFiles } from '../../shared/files/feed-file-store.ts';
import { s3 } from '../../shared/files/s3-client.ts';
import {
  auditStore,
  mappingStore,
  netsuiteIdStore,
  orderRuntime,
  root,
  syncStore,
} from '../../shared/app/root.ts';
import { BatchWriter } from '../../shared/store/batch-writer.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { ImportLedger } from '../../shared/store/import-ledger.ts';
import { snapshotItem } from '../../shared/store/inventory-store.ts';
import { productItems, ProductStore } from '../../shared/store/product-store.ts';
import { chromiumPath } from '../support/chromium.ts';
import { connectSftp, eventually, startTestCloud } from '../support/local-cloud.ts';
import { sampleOrder } from '../support/order-core.ts';
import { loadFacilities, snapshotCsv } from '../faults/support/crash-fixtures.ts';

const CHROMIUM = chromiumPath();
const PASSWORD = 'Night-shift-2026!';
const SHOTS = mkdtempSync(join(tmpdir(), 'oms-console-page-'));
const WAREHOUSE = 'WH1';
const SKU = 'OC-SKU-A';
const ALLOCATION: FeedId = 'allocation-update-export';
const REFUSAL = 'Invalid item reference key 501, for subsidiary 1';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let browser: Browser;
let n = 0;
const key = (label: string) => `${label}-${++n}`;
const folderOf = (feed: FeedId) => feedPrefix(cloud.sftp.user, feedById(feed));
const putObject = (k: string, body: string) =>
  s3().send(new PutObjectCommand({ Bucket: cloud.bucket, Key: k, Body: body }));

const SIZES = [
  { name: 'desktop', viewport: { width: 1280, height: 900 }, mobile: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, mobile: true },
] as const;

async function screenshot(page: Page, name: string) {
  const shot = await page.screenshot({ fullPage: true });
  writeFileSync(join(SHOTS, name), shot);
  if (process.env.OMS_UPDATE_SCREENSHOTS === '1')
    writeFileSync(join(process.cwd(), 'docs', name), shot);
}

async function signIn(page: Page, username: string) {
  const form = page.locator('#sign-in-form');
  await form.waitFor();
  await form.getByLabel('User name').fill(username);
  await form.getByLabel('Password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Sign in' }).click();
}

/** Waits until the page's status message says `text` (the action's outcome, or its refusal). */
const said = (page: Page, text: string) =>
  page.locator('#message').filter({ hasText: text }).waitFor();

/** Clicks the dialog's confirm button. */
async function confirm(page: Page, label: string) {
  const dialog = page.locator('#confirm');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: label }).click();
}

/** A new order of one line, with NetSuite's ids, allocated whole at the warehouse. */
async function allocatedOrder(): Promise<string> {
  const created = await orderRuntime(root()).intake.submit(
    sampleOrder({}, [{ sku: SKU, quantity: 2, price: 10, shippingMethod: 'STANDARD' }]),
    { source: 'test', actor: 'test' },
  );
  if (created.status !== 'created') throw new Error(created.status);
  const orderId = created.orderId;
  await orderRuntime(root()).service.recordNetsuiteIds({
    orderId,
    netsuiteOrderId: `5${orderId.replace(/\D/g, '').slice(-6)}`,
    lineIds: { '00001': '1' },
    idempotencyKey: key('ids'),
    actor: 'test',
  });
  const payload: AllocationPayload = {
    orderId,
    lineSeq: '00001',
    facilityId: WAREHOUSE,
    afterRejection: false,
  };
  await orderRuntime(root()).service.move({
    orderId,
    lineSeq: '00001',
    from: 1100,
    to: 1200,
    quantity: 2,
    facilityId: WAREHOUSE,
    idempotencyKey: key('alloc'),
    actor: 'brokering',
    linked: [
      {
        label: 'linked:allocation-outbox',
        item: syncStore(root()).outboxPut(
          'allocation',
          allocationEntryId(payload),
          payload,
          new Date().toISOString(),
        ),
      },
    ],
  });
  return orderId;
}

const deadLetters = () => cloud.deadLetters.list();
let refusedId: string;
let waitingOrder: string;
const BAD_HEADER = 'sku,netsuite_id\nOC-SKU-1,9001\n';
const FIXED = 'id-value,good-identification-value\nOC-SKU-1,9001\n';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: this browser test needs Debian's chromium ` +
        "(the vitest project 'browser' installs it), or OMS_CHROMIUM=<path>",
    );
  }
  cloud = await startTestCloud({
    api: { token: 'console-page-token' },
    retry: { maxReceives: 2, retryDelayMs: 200 },
  });
  const { users } = cloud.api!.auth;
  await users.add({ username: 'ops', password: PASSWORD, groups: ['operator'] });
  await users.add({ username: 'boss', password: PASSWORD, groups: ['admin'] });
  await users.add({ username: 'merch', password: PASSWORD, groups: ['merchandiser'] });

  // 1. A dead letter: a snapshot delivered while the inventory table is missing.
  await loadFacilities(dynamo(), cloud.tablePrefix);
  await dynamo().send(new DeleteTableCommand({ TableName: table('inventory') }));
  await waitUntilTableNotExists(
    { client: dynamo(), maxWaitTime: 60 },
    { TableName: table('inventory') },
  );
  await putObject(
    `${folderOf('inventory-snapshot-import')}Sun Dec 06 2026 03:00:00 GMT+0000-InventoryItemExport.csv`,
    snapshotCsv(20),
  );
  await eventually(async () => ((await deadLetters()).length === 1 ? true : undefined), 60_000);
  await ensureTables(dynamo(), cloud.tablePrefix);

  // 2. A file with a wrong header, over SFTP; 3. a file with a refused row.
  const sftp = await connectSftp(cloud);
  const products = `/home/${cloud.sftp.user}/netsuite/product/csv`;
  await sftp.put(Buffer.from(BAD_HEADER), `${products}/oc-products.csv`);
  await sftp.put(
    Buffer.from('id-value,good-identification-value\nOC-SKU-2,9002\nOC-SKU-3,9OO3\n'),
    `${products}/oc-products-rows.csv`,
  );
  await sftp.end();
  const productFolder = folderOf('product-import');
  await eventually(async () =>
    (await feedFiles().list(`${productFolder}failed/`)).length === 1 ? true : undefined,
  );
  // The wrong header's report and the refused row's.
  await eventually(async () =>
    (await feedFiles().list(`${productFolder}error/`)).length === 2 ? true : undefined,
  );

  // 4. A row NetSuite refused in an allocation update.
  const facilities: Facility[] = [
    {
      facilityId: WAREHOUSE,
      externalId: '13',
      name: 'Warehouse 1',
      kind: 'warehouse',
      groups: [NETSUITE_FULFILLED],
    },
  ];
  await new FacilityStore(dynamo(), table('control')).save(facilities);
  const inventory = new BatchWriter({
    client: dynamo(),
    table: table('inventory'),
    keyAttributes: ['pk', 'sk'],
  });
  await inventory.put(
    snapshotItem(
      { sku: SKU, facilityId: WAREHOUSE, availableQty: 500, itemId: '501' },
      { file: 'snapshot.csv', importedAt: new Date().toISOString() },
    ),
  );
  await inventory.flush();
  const items = new ProductStore(dynamo(), table('control')).writer();
  for (const item of productItems({ sku: SKU, itemId: '501' }, { file: 't', importedAt: 'now' }))
    await items.put(item);
  await items.flush();
  await mappingStore(root()).save([
    { kind: 'shippingMethod', value: 'STANDARD', netsuiteId: '4' },
    { kind: 'salesChannel', value: 'web', netsuiteId: '2' },
    { kind: 'subsidiary', value: '*', netsuiteId: '1' },
  ]);
  const ids = netsuiteIdStore(root()).writer();
  await ids.put(
    netsuiteIdStore(root()).customerIdItem(partyIdFor('cust-1'), '1001', 'test', 'now'),
  );
  await ids.flush();
  const orderId = await allocatedOrder();
  refusedId = allocationEntryId({ orderId, lineSeq: '00001', facilityId: WAREHOUSE });
  const report = (await cloud.scheduler.runNow(ALLOCATION)) as { files: string[] };
  const file = report.files[0]!;
  const prefix = folderOf(ALLOCATION);
  expect(await feedFiles().move(`${prefix}${file}`, `${prefix}archive/${file}`)).toBe(true);
  await putObject(
    `${prefix}error/${new Date('2026-12-06T10:00:00Z').toString()}-ErrorSalesOrderUpdate.csv`,
    `fileName,errorMessage\n${file},line 2: ${REFUSAL}\n`,
  );
  await cloud.scheduler.runNow('netsuite-exceptions');

  // 5. An order waiting for a mapping: NetSuite has no id for the shipping method OVERNIGHT.
  const waiting = await orderRuntime(root()).intake.submit(
    sampleOrder({}, [{ sku: SKU, quantity: 1, price: 10, shippingMethod: 'OVERNIGHT' }]),
    { source: 'test', actor: 'test' },
  );
  if (waiting.status !== 'created') throw new Error(waiting.status);
  waitingOrder = waiting.orderId;
  await cloud.scheduler.runNow('sales-order-export');

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
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await cloud?.cleanup();
});

describe('people without the operator group', () => {
  it('a merchandiser sees 403 in words, and no action of theirs changes anything', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${cloud.api!.url}/operator/#/failures`);
    await signIn(page, 'merch');
    await page.getByRole('heading', { name: 'Not available' }).waitFor();
    const message = await page.locator('#message').textContent();
    expect(message).toContain('(FORBIDDEN)');
    expect(message).toContain('may not see the operator console');
    // The action routes refuse them too, before any work: the dead letter stays parked.
    const token = await page.evaluate(
      () => JSON.parse(globalThis.sessionStorage.getItem('oms-session') ?? 'null')?.token as string,
    );
    expect(token, 'the page keeps its ID token in sessionStorage').toBeTruthy();
    const res = await page.evaluate(async (t) => {
      const r = await fetch('/console/dead-letters/redrive', {
        method: 'POST',
        headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
        body: JSON.stringify({ all: true }),
      });
      return { status: r.status, body: await r.json() };
    }, token);
    expect(res).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
    expect(await deadLetters()).toHaveLength(1);
    expect(await auditStore(root()).recent()).toEqual([]);
    await context.close();
  });

  it('an admin reads the console but may not act (403), and the dead letter stays', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${cloud.api!.url}/operator/#/failures`);
    await signIn(page, 'boss');
    await page.locator('[data-dead-letter]').first().waitFor();
    await page.locator('#redrive-all').click();
    await confirm(page, 'Re-drive all');
    await said(page, '(FORBIDDEN)');
    expect(await deadLetters()).toHaveLength(1);
    expect(await auditStore(root()).recent()).toEqual([]);
    await context.close();
  });
});

describe.each(SIZES)('the operator console on a $name screen', (size) => {
  let page: Page;
  const url = () => `${cloud.api!.url}/operator/`;

  beforeAll(async () => {
    const context = await browser.newContext({
      viewport: size.viewport,
      isMobile: size.mobile,
      hasTouch: size.mobile,
    });
    page = await context.newPage();
    await page.goto(`${url()}#/health`);
    await signIn(page, 'ops');
  });

  afterAll(async () => page?.context().close());

  const tab = (name: string) => page.locator('#tabs').getByRole('link', { name, exact: true });
  const fitsTheScreen = async () =>
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(
      true,
    );

  it('health: every feed and job with its state; the failing import, the dead letters and the refusals as alarms', async () => {
    await page.getByRole('heading', { name: /^Health: / }).waitFor();
    const rows = page.locator('tr[data-function]');
    // Every implemented feed and every core job: 22 feeds and 9 jobs.
    expect(await rows.count()).toBeGreaterThanOrEqual(30);
    const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-function')));
    expect(ids).toEqual(expect.arrayContaining(['product-import', ALLOCATION, 'approve-orders']));
    if (size.name === 'desktop') {
      // Before any fix: the product import's last file failed; NetSuite's refusal is an alarm.
      const product = page.locator('tr[data-function="product-import"]');
      expect(await product.getAttribute('data-state')).toMatch(/failing|ok/);
      const alarms = await page.locator('#alarms').textContent();
      expect(alarms).toContain('DeadLetters inventory-snapshot-import');
      expect(alarms).toContain('NetsuiteRefusedRecords');
    }
    await fitsTheScreen();
    await screenshot(page, `operator-console-health-${size.name}.png`);
  });

  it('failures: the dead letter with its error; Re-drive (confirmed) imports the file and it leaves the list', async () => {
    await tab('Failures').click();
    await page.getByRole('heading', { name: /^Failures/ }).waitFor();
    if (size.name === 'desktop') {
      const letter = page.locator('[data-dead-letter]');
      await letter.waitFor();
      expect(await letter.textContent()).toMatch(/non-existent table|ResourceNotFound|not found/i);
      await screenshot(page, `operator-console-failures-${size.name}.png`);
      await letter.getByRole('button', { name: 'Re-drive', exact: true }).click();
      await confirm(page, 'Re-drive');
      await said(page, 'Re-drove');
      await page.getByRole('heading', { name: 'Dead letters (0)' }).waitFor();
      expect(await deadLetters()).toEqual([]);
      // Delivered again: the snapshot is imported now.
      const ledger = await eventually(async () => {
        const runs = new ImportLedger(dynamo(), table('control'));
        const [last] = await runs.recentFeedRuns('inventory-snapshot-import', 1);
        return last?.result === 'archived' ? last : undefined;
      }, 60_000);
      expect(ledger.applied).toBeGreaterThan(0);
    } else {
      await page.getByRole('heading', { name: 'Dead letters (0)' }).waitFor();
    }
    await fitsTheScreen();
  });

  it('failures: the file with a wrong header, its reason; corrected and re-imported, it is imported and listed as fixed', async () => {
    if (size.name !== 'desktop') {
      await page.locator('#fixed').waitFor();
      expect(await page.locator('#fixed').textContent()).toContain(
        'imported: 1 row(s) applied, 0 refused',
      );
      await fitsTheScreen();
      await screenshot(page, `operator-console-failures-${size.name}.png`);
      return;
    }
    const failed = page.locator('[data-file*="/product/csv/failed/"]');
    await failed.waitFor();
    expect(await failed.textContent()).toMatch(/header/i);
    await failed.getByRole('button', { name: 'Correct and re-import…' }).click();
    const editor = failed.getByLabel('The file, corrected');
    await editor.waitFor();
    expect(await editor.inputValue()).toBe(BAD_HEADER);
    await editor.fill(FIXED);
    await failed.getByRole('button', { name: 'Re-import', exact: true }).click();
    await confirm(page, 'Re-import');
    await said(page, 'Re-imported as oc-products.csv');
    // The import takes the corrected file; the page shows it fixed with the outcome.
    await eventually(async () => {
      await page.reload();
      await page.getByRole('heading', { name: /^Failures/ }).waitFor();
      const fixed = page.locator('[data-fixed*="/product/csv/failed/"]');
      if (!(await fixed.count())) return undefined;
      return (await fixed.textContent())?.includes('imported: 1 row(s) applied, 0 refused')
        ? true
        : undefined;
    }, 60_000);
    expect(await page.locator('[data-file*="/product/csv/failed/"]').count()).toBe(0);
    expect(await new ProductStore(dynamo(), table('control')).itemIdForSku('OC-SKU-1')).toBe(
      '9001',
    );
  });

  it('failures: the refused row with line, field and reason; the corrected row re-imported', async () => {
    if (size.name !== 'desktop') return;
    const report = page.locator('[data-file*="/product/csv/error/"]');
    await report.waitFor();
    const text = await report.textContent();
    expect(text).toContain('1 row(s) refused');
    expect(text).toContain('good-identification-value');
    expect(text).toContain('is not a numeric internal id');
    await report.getByRole('button', { name: 'Correct refused rows and re-import…' }).click();
    const editor = report.getByLabel('Header and the refused rows, corrected');
    await editor.waitFor();
    expect(await editor.inputValue()).toBe('id-value,good-identification-value\nOC-SKU-3,9OO3');
    await editor.fill('id-value,good-identification-value\nOC-SKU-3,9003\n');
    await report.getByRole('button', { name: 'Re-import', exact: true }).click();
    await confirm(page, 'Re-import');
    await eventually(async () => {
      await page.reload();
      await page.getByRole('heading', { name: /^Failures/ }).waitFor();
      return (await page.locator('[data-fixed*="/product/csv/error/"]').count()) &&
        (await page.locator('[data-fixed*="/product/csv/error/"]').textContent())?.includes(
          'imported: 1 row(s) applied, 0 refused',
        )
        ? true
        : undefined;
    }, 60_000);
    expect(await new ProductStore(dynamo(), table('control')).itemIdForSku('OC-SKU-3')).toBe(
      '9003',
    );
  });

  it('failures: the record NetSuite refused with its message; Re-send puts it in the next export, then it is re-sent', async () => {
    const row = page.locator(`[data-refused="allocation/${refusedId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(REFUSAL);
    if (size.name !== 'desktop') {
      expect(await row.textContent()).toContain('re-sent');
      return;
    }
    expect(await row.textContent()).toContain('waiting for a fix');
    await row.getByRole('button', { name: 'Re-send', exact: true }).click();
    await confirm(page, 'Re-send');
    await said(page, 'goes with the next');
    await row.filter({ hasText: 'operator re-send asked' }).waitFor();
    const report = (await cloud.scheduler.runNow(ALLOCATION)) as { files: string[] };
    expect(report.files).toHaveLength(1);
    await page.reload();
    await row.filter({ hasText: 're-sent' }).waitFor();
    expect(await row.getByRole('button', { name: 'Re-send', exact: true }).count()).toBe(0);
  });

  it('waiting: the order waiting for a mapping, with why', async () => {
    await tab('Waiting').click();
    await page.getByRole('heading', { name: /^Waiting:/ }).waitFor();
    const order = page.locator(`[data-waiting="salesorder/${waitingOrder}"]`);
    await order.waitFor();
    expect(await order.getAttribute('data-cause')).toBe('mapping');
    expect(await order.textContent()).toContain('no NetSuite id for shipping method "OVERNIGHT"');
    await fitsTheScreen();
    await screenshot(page, `operator-console-waiting-${size.name}.png`);
  });

  it('activity: every action with who, what and how it came out', async () => {
    await tab('Activity').click();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    const actions = await page
      .locator('tr[data-audit]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-audit')));
    expect(actions.sort()).toEqual([
      'dead-letter.redrive',
      'file.reimport',
      'file.reimport',
      'refusal.resend',
    ]);
    const text = await page.locator('table').textContent();
    expect(text).toContain('user:ops');
    expect(text).toContain('done:');
    await fitsTheScreen();
  });

  it('lookup: a SKU per facility, an order with its lines and history, and charts drawn from the run records', async () => {
    await tab('Lookup').click();
    await page.getByLabel('SKU', { exact: true }).fill(SKU);
    await page.getByRole('button', { name: 'Show SKU' }).click();
    const sku = page.getByRole('table', { name: `${SKU} per facility` });
    await sku.waitFor();
    expect(await sku.textContent()).toContain(WAREHOUSE);
    // An order for customer service: its lines per status with their holds, and its history.
    await page.getByLabel('Order (OMS id or storefront id)').fill(waitingOrder);
    await page.getByRole('button', { name: 'Show order' }).click();
    await page.getByRole('heading', { name: `Order ${waitingOrder}` }).waitFor();
    const lines = await page.getByRole('table', { name: 'Lines' }).textContent();
    expect(lines).toContain('created (1100)');
    expect(lines).toContain('AWAITING_NETSUITE_IDS');
    expect(
      await page.getByRole('table', { name: 'History, oldest first' }).textContent(),
    ).toContain('created');
    await fitsTheScreen();
    await tab('Charts').click();
    await page.getByRole('heading', { name: 'Charts' }).waitFor();
    expect(await page.locator('svg.chart').count()).toBeGreaterThan(1);
    expect(await page.locator('svg.chart rect').count()).toBeGreaterThan(0);
    await fitsTheScreen();
  });
});
