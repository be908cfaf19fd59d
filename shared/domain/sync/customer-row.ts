/**
 * The customer export (`customer/export`): one row per customer without a NetSuite id yet, with
 * the fixed values HotWax sends (individual, closed-won customer, taxable, priority 5) and names
 * cut to 13 characters (`X` when empty), as NetSuite's import mapping expects.
 */
export interface CustomerRecord {
  readonly partyId: string;
  readonly shopCustomerId: string;
  readonly email: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly phone?: string;
}

const NAME_MAX = 13;
const name = (text: string | undefined): string => (text?.trim() || 'X').slice(0, NAME_MAX);

export function customerRow(c: CustomerRecord): Record<string, string> {
  return {
    HCCustomerId: c.partyId,
    firstName: name(c.firstName),
    lastName: name(c.lastName),
    HCShopifyCustomerId: c.shopCustomerId,
    email: c.email,
    individual: 'T',
    status: 'CUSTOMER-Closed Won',
    taxable: 'TRUE',
    defaultOrderPriority: '5',
    externalId: c.shopCustomerId,
    phone: c.phone ?? '',
  };
}
