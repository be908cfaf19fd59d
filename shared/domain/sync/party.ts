/**
 * The OMS customer ("party") of a storefront customer. NetSuite gets it as `HCCustomerId` and sends
 * it back as `partyId` with the NetSuite customer id, so it must survive an unescaped CSV: ids made
 * only of letters, digits, `_` and `-` are used as they are (prefixed `C`); anything else is hashed.
 */
import { createHash } from 'node:crypto';

const SAFE = /^[A-Za-z0-9_-]{1,60}$/;

export function partyIdFor(shopCustomerId: string): string {
  if (SAFE.test(shopCustomerId)) return `C${shopCustomerId}`;
  return `CH${createHash('sha256').update(shopCustomerId).digest('hex').slice(0, 24)}`;
}
