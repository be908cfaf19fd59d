/**
 * The groups a person belongs to (Cognito user pool groups on AWS, the local cloud's users
 * locally) and the claims that carry them. No AWS imports: CDK, the local cloud, the handlers and
 * the pages' tests read the same names.
 */
export const GROUPS = ['merchandiser', 'store-associate', 'operator', 'admin'] as const;

export type Group = (typeof GROUPS)[number];

export const isGroup = (value: unknown): value is Group =>
  typeof value === 'string' && (GROUPS as readonly string[]).includes(value);

/** What each group is for (README, `npx oms user add --help`, the Cognito groups' descriptions). */
export const GROUP_DESCRIPTIONS: Readonly<Record<Group, string>> = {
  merchandiser: 'purchase orders and pre-order allocation',
  'store-associate': 'the fulfilment queue of the stores in their custom:stores attribute',
  operator: 'back office: reads every store queue and order, cancels orders, runs pre-order jobs',
  admin: 'everything, every store (MFA required)',
};

/** The ID token claim listing a person's groups (Cognito's). */
export const GROUPS_CLAIM = 'cognito:groups';
/** The ID token claim (a Cognito custom attribute) listing the stores a person may act for. */
export const STORES_CLAIM = 'custom:stores';
/** The custom attribute's name as CDK declares it (without `custom:`). */
export const STORES_ATTRIBUTE = 'stores';
/** The claim naming the person (Cognito's user name). */
export const USERNAME_CLAIM = 'cognito:username';

/** A facility id as the store routes accept it. */
export const FACILITY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** `STORE1,STORE2` (the attribute's form) → the ids; blanks and malformed ids dropped. */
export function parseStores(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return [...new Set(list.map((s) => String(s).trim()).filter((s) => s && FACILITY_ID.test(s)))];
}

/** The attribute's form of a list of stores. */
export const formatStores = (stores: readonly string[]): string => parseStores(stores).join(',');
