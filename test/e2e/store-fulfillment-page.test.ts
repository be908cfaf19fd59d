/**
 * The store fulfilment page in a real headless browser (Debian's Chromium through playwright-core)
 * against the real local cloud, at a phone's and a desktop's size: a store associate signs in
 * (a local user, a jose-signed ID token) and sees their store's queue oldest order first; picks
 * from the pick list across orders; packs and ships — the line is shipped in DynamoDB and the
 * OMS-fulfilled export sends its row to NetSuite; reports an item not found — it goes back to
 * brokering; rejects an item as damaged after a confirmation that says the stock changes — the
 * inventory adjustment export has its row. An associate of another store sees the refusal in words
 * and nothing changes in DynamoDB; an expired token asks to sign in again and the page comes back
 * to where it was. The merchandiser page signs in the same way.
 *
 * `OMS_UPDATE_SCREENSHOTS=1` also writes the pages' screenshots at both sizes into docs/.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKERING_QUEUE } from '../../shared/domain/brokering/index.ts';
import { bucketOf } from '../../shared/domain/lifecycle/index.ts';
import { brokeringStore, orderRuntime, preorderRuntime, root } from '../../shared/app/root.ts';
import { chromiumPath } from '../support/chromium.ts';
import { startTestCloud } from '../support/local-cloud.ts';
import {
  exportRows,
  orderAtStore,
  orderRecord,
  setUpStores,
  type StoreOrder,
} from '../support/store-fixture.ts';

const CHROMIUM = chromiumPath();
const PASSWORD = 'Back-room-2026!';
const SHOTS = mkdtempSync(join(tmpdir(), 'oms-store-page-'));

const SIZES = [
  {
    name: 'phone',
    viewport: { width: 390, height: 844 },
    mobile: true,
    store: 'S-PHONE',
    location: '31',
    month: '2025-08',
  },
  {
    name: 'desktop',
    viewport: { width: 1280, height: 900 },
    mobile: false,
    store: 'S-DESK',
    location: '32',
    month: '2025-09',
  },
] as const;
const OTHER_STORE = 'S-OTHER';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let browser: Browser;

const buckets = async (orderId: string) =>
  (await orderRuntime(root()).orders.order(orderId)).lines[0]!.buckets;

/** Saves a screenshot (always to a temp folder; into docs/ with OMS_UPDATE_SCREENSHOTS=1). */
async function screenshot(page: Page, name: string) {
  const shot = await page.screenshot({ fullPage: true });
  writeFileSync(join(SHOTS, name), shot);
  if (process.env.OMS_UPDATE_SCREENSHOTS === '1')
    writeFileSync(join(process.cwd(), 'docs', name), shot);
}

async function signIn(page: Page, username: string, password = PASSWORD) {
  const form = page.locator('#sign-in-form');
  await form.waitFor();
  await form.getByLabel('User name').fill(username);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: this browser test needs Debian's chromium ` +
        "(the vitest project 'browser' installs it: run this test through vitest.config.ts; or " +
        'apt-get install -y chromium), or OMS_CHROMIUM=<path>',
    );
  }
  cloud = await startTestCloud({ dispatch: false, api: { token: 'store-page-token' } });
  await setUpStores({ 'S-PHONE': '31', 'S-DESK': '32', [OTHER_STORE]: '33' });
  const { users } = cloud.api!.auth;
  for (const size of SIZES)
    await users.add({
      username: `assoc-${size.name}`,
      password: PASSWORD,
      groups: ['store-associate'],
      stores: [size.store],
    });
  await users.add({
    username: 'assoc-other',
    password: PASSWORD,
    groups: ['store-associate'],
    stores: [OTHER_STORE],
  });
  await users.add({ username: 'merch', password: PASSWORD, groups: ['merchandiser'] });
  const meta = { file: 'open-pos.csv', at: new Date().toISOString() };
  await preorderRuntime(root()).deps.purchaseOrders.touchHeader('PO-8001', 'S-DESK', meta);
  await preorderRuntime(root()).deps.purchaseOrders.upsertLine(
    {
      poId: 'PO-8001',
      lineId: '1',
      sku: 'SF-SKU-A',
      quantity: 12,
      externalFacilityId: '32',
      arrivalDate: '2026-03-15',
      facilityId: 'S-DESK',
    },
    meta,
  );
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
});

afterAll(async () => {
  await browser?.close();
  await cloud?.cleanup();
});

describe.each(SIZES)('the store fulfilment page on a $name screen', (size) => {
  const { store } = size;
  const orders: Record<'A' | 'B' | 'C' | 'D', StoreOrder> = {} as never;
  let context: BrowserContext;
  let page: Page;
  const message = () => page.locator('#message');
  const line = (o: StoreOrder) => page.locator(`[data-line="${o.orderId}/00001"]`);
  const newContext = () =>
    browser.newContext({ viewport: size.viewport, isMobile: size.mobile, hasTouch: size.mobile });

  beforeAll(async () => {
    const at = (d: string) => `${size.month}-${d}T09:00:00Z`;
    // B is the oldest order; C and D are of another SKU; D is allocated, not released yet.
    orders.A = await orderAtStore({
      facilityId: store,
      sku: 'SF-SKU-A',
      date: at('02'),
      stage: 'released',
    });
    orders.B = await orderAtStore({
      facilityId: store,
      sku: 'SF-SKU-A',
      date: at('01'),
      stage: 'released',
    });
    orders.C = await orderAtStore({
      facilityId: store,
      sku: 'SF-SKU-B',
      date: at('03'),
      stage: 'released',
    });
    orders.D = await orderAtStore({
      facilityId: store,
      sku: 'SF-SKU-B',
      date: at('04'),
      stage: 'allocated',
    });
    context = await newContext();
    page = await context.newPage();
  });

  afterAll(async () => context?.close());

  it('signs in and shows the store’s queue by order, oldest first, fitting the screen', async () => {
    await page.goto(`${cloud.api!.url}/store/`);
    await signIn(page, `assoc-${size.name}`);
    await page.getByRole('heading', { name: `Store ${store}: 4 orders to fulfil` }).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/s/${store}/queue`);
    const shown = await page
      .locator('article[data-order]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-order')));
    expect(shown).toEqual([orders.B.orderId, orders.A.orderId, orders.C.orderId, orders.D.orderId]);
    expect(await line(orders.D).textContent()).toContain('1 unit waiting for release');
    // Nothing wider than the screen (no sideways scrolling on a phone).
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(
      true,
    );
    await expect(page.locator('#who').textContent()).resolves.toContain(store);
  });

  it('the pick list gathers released items across orders; Picked moves each to 3350', async () => {
    await page.getByRole('link', { name: 'Pick list' }).click();
    await page.getByRole('heading', { name: `Store ${store}: pick list` }).waitFor();
    const rows = page.locator('tr[data-pick]');
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-pick')))).toEqual([
      `${orders.B.orderId}/00001`,
      `${orders.A.orderId}/00001`,
      `${orders.C.orderId}/00001`,
    ]);
    expect(await rows.first().textContent()).toContain('SF-SKU-A');
    await screenshot(page, `store-fulfillment-pick-list-${size.name}.png`);
    for (const o of [orders.A, orders.B]) {
      await page
        .locator(`tr[data-pick="${o.orderId}/00001"]`)
        .getByRole('button', { name: /Picked/ })
        .click();
      await message().getByText(`Picked 1 unit of SF-SKU-A for order ${o.name}.`).waitFor();
      await page.locator(`tr[data-pick="${o.orderId}/00001"]`).waitFor({ state: 'detached' });
      expect(bucketOf(await buckets(o.orderId), 3350)).toBe(1);
    }
  });

  it('pack and ship: the line is shipped and the OMS-fulfilled export tells NetSuite', async () => {
    await page.getByRole('link', { name: 'Orders' }).click();
    await line(orders.A).getByRole('button', { name: /^Pack/ }).click();
    await line(orders.A).getByLabel('Parcels').fill('2');
    await line(orders.A).getByRole('button', { name: 'Packed' }).click();
    await message().getByText('Packed SF-SKU-A in 2 parcel(s).').waitFor();
    await line(orders.A).getByText('1 unit packed').waitFor();
    await screenshot(page, `store-fulfillment-queue-${size.name}.png`);

    await line(orders.A).getByRole('button', { name: /^Ship/ }).click();
    await line(orders.A).getByLabel('Carrier').fill('UPS');
    await line(orders.A)
      .getByLabel(/Tracking numbers/)
      .fill('1Z999AA10123456784');
    await line(orders.A).getByRole('button', { name: 'Shipped' }).click();
    await message().getByText('Shipped 1 unit of SF-SKU-A with UPS.').waitFor();
    await page.locator(`article[data-order="${orders.A.orderId}"]`).waitFor({ state: 'detached' });

    const shipped = (await orderRuntime(root()).orders.order(orders.A.orderId)).lines[0]!;
    expect(bucketOf(shipped.buckets, 3700)).toBe(1);
    expect(Object.values(shipped.shipments)).toEqual([
      expect.objectContaining({ trackingNumbers: ['1Z999AA10123456784'], carrier: 'UPS' }),
    ]);
    // The history names the associate the token names, not the store or the body.
    const history = JSON.stringify(await orderRuntime(root()).orders.order(orders.A.orderId));
    expect(history).toContain(`user:assoc-${size.name}`);
    const rows = await exportRows(cloud, 'oms-fulfilled-export');
    expect(rows).toContainEqual(
      expect.objectContaining({ internalId: orders.A.ns, quantity: '1', location: size.location }),
    );
  });

  it('item not found: after a confirmation, the item goes back to brokering', async () => {
    await line(orders.C)
      .getByRole('button', { name: /^Not found/ })
      .click();
    await line(orders.C).getByRole('button', { name: 'Report not found' }).click();
    const dialog = page.locator('dialog#confirm');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('#confirm-text').textContent()).toMatch(
      /Report 1 unit of SF-SKU-B .* as not found\? The item goes back to brokering/,
    );
    await dialog.locator('#confirm-ok').click();
    await message()
      .getByText(/1 unit of SF-SKU-B reported not found; the item is brokered again/)
      .waitFor();
    await page.locator(`article[data-order="${orders.C.orderId}"]`).waitFor({ state: 'detached' });
    const queued = await brokeringStore(root()).queue(BROKERING_QUEUE);
    expect(queued.some((e) => e.orderId === orders.C.orderId)).toBe(true);
    expect(bucketOf(await buckets(orders.C.orderId), 3200)).toBe(0);
  });

  it('reject as damaged: the confirmation says the stock changes; the adjustment row goes to NetSuite', async () => {
    await line(orders.D)
      .getByRole('button', { name: /^Reject/ })
      .click();
    await line(orders.D).getByLabel('Reason').selectOption('VAR_DAMAGED');
    const dialog = page.locator('dialog#confirm');
    // Cancelled: nothing changes.
    const before = await orderRecord(orders.D.orderId);
    await line(orders.D).getByRole('button', { name: 'Reject item' }).click();
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('#confirm-text').textContent()).toContain(
      `This also takes 1 unit off store ${store}'s inventory`,
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await orderRecord(orders.D.orderId)).toBe(before);

    await line(orders.D).getByRole('button', { name: 'Reject item' }).click();
    await dialog.locator('#confirm-ok').click();
    await message()
      .getByText(/Rejected 1 unit of SF-SKU-B \(VAR_DAMAGED\); inventory adjusted by -1/)
      .waitFor();
    const rows = await exportRows(cloud, 'inventory-adjustment-export');
    expect(rows).toContainEqual(
      expect.objectContaining({
        Item: '602',
        'Adjust Qty By': '-1',
        Location: size.location,
        Memo: expect.stringMatching(/^VAR_DAMAGED/),
      }),
    );
  });

  it('an associate of another store is refused in words (403) and nothing changes', async () => {
    const other = await newContext();
    try {
      const p = await other.newPage();
      await p.goto(`${cloud.api!.url}/store/#/s/${store}/queue`);
      await signIn(p, 'assoc-other');
      await p
        .locator('#message.error')
        .getByText(`assoc-other acts for ${OTHER_STORE}, not for store ${store} (WRONG_STORE)`)
        .waitFor();
      expect(await p.locator('article[data-order]').count()).toBe(0);
      // The API itself refuses every action at that store, whatever the body says.
      const before = await orderRecord(orders.B.orderId);
      const queueBefore = JSON.stringify(await brokeringStore(root()).storeQueue(store));
      const statuses = await p.evaluate(
        async ({ store, orderId }) => {
          const { token } = JSON.parse(sessionStorage.getItem('oms-session')!);
          const call = async (method: string, path: string, body?: unknown) =>
            (
              await fetch(path, {
                method,
                headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
                body: body === undefined ? undefined : JSON.stringify(body),
              })
            ).status;
          const line = { orderId, lineSeq: '00001', actor: 'someone-else' };
          return [
            await call('GET', `/stores/${store}/queue`),
            await call('POST', `/stores/${store}/packs`, {
              ...line,
              packages: 1,
              idempotencyKey: 'o1',
            }),
            await call('POST', `/stores/${store}/shipments`, {
              ...line,
              carrier: 'UPS',
              idempotencyKey: 'o2',
            }),
            await call('POST', `/stores/${store}/not-found`, { ...line, idempotencyKey: 'o3' }),
            await call('POST', `/stores/${store}/rejections`, {
              ...line,
              reason: 'VAR_DAMAGED',
              idempotencyKey: 'o4',
            }),
            await call('POST', `/stores/${store}/picks`, { ...line, idempotencyKey: 'o5' }),
          ];
        },
        { store, orderId: orders.B.orderId },
      );
      expect(statuses).toEqual([403, 403, 403, 403, 403, 403]);
      expect(await orderRecord(orders.B.orderId)).toBe(before);
      expect(JSON.stringify(await brokeringStore(root()).storeQueue(store))).toBe(queueBefore);
    } finally {
      await other.close();
    }
  });

  it('survives a reload; an expired token asks to sign in again and comes back to the same place', async () => {
    await page.goto(`${cloud.api!.url}/store/#/s/${store}/pick-list`);
    await page.getByRole('heading', { name: `Store ${store}: pick list` }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: `Store ${store}: pick list` }).waitFor();

    const { idToken } = await cloud.api!.auth.issuer.issue(
      { username: `assoc-${size.name}`, groups: ['store-associate'], stores: [store] },
      -60,
    );
    await page.evaluate((token) => {
      const s = JSON.parse(sessionStorage.getItem('oms-session')!);
      sessionStorage.setItem('oms-session', JSON.stringify({ ...s, token }));
    }, idToken);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page
      .getByText('Your session has ended: sign in again to go on where you were.')
      .waitFor();
    await signIn(page, `assoc-${size.name}`);
    await page.getByRole('heading', { name: `Store ${store}: pick list` }).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/s/${store}/pick-list`);
  });

  it('the merchandiser page signs in the same way', async () => {
    const merch = await newContext();
    try {
      const p = await merch.newPage();
      await p.goto(`${cloud.api!.url}/merchandiser/`);
      await signIn(p, 'merch');
      await p.getByRole('link', { name: 'PO-8001' }).waitFor();
      await screenshot(p, `merchandiser-${size.name}.png`);
      // A merchandiser may not act for a store.
      const status = await p.evaluate(async (store) => {
        const { token } = JSON.parse(sessionStorage.getItem('oms-session')!);
        return (
          await fetch(`/stores/${store}/queue`, { headers: { authorization: `Bearer ${token}` } })
        ).status;
      }, store);
      expect(status).toBe(403);
    } finally {
      await merch.close();
    }
  });
});
