/** Static pages the local HTTP API serves beside the routes (the same files CDK deploys). */
import { fileURLToPath } from 'node:url';

const web = (folder: string) =>
  fileURLToPath(new URL(`../../shared/web/${folder}/`, import.meta.url));

/** The merchandiser's purchase-order page (docs/preorder.md). */
export const MERCHANDISER_PAGE = { path: '/merchandiser/', dir: web('merchandiser') } as const;

/** The store fulfilment page (docs/store-fulfillment-page.md). */
export const STORE_PAGE = { path: '/store/', dir: web('store') } as const;

/** The operator's console (docs/operator-console.md). */
export const CONSOLE_PAGE = { path: '/operator/', dir: web('operator') } as const;

/** What both pages share: signing in, calling the API, the base style. */
export const COMMON_ASSETS = { path: '/common/', dir: web('common') } as const;

export const LOCAL_PAGES = [MERCHANDISER_PAGE, STORE_PAGE, CONSOLE_PAGE, COMMON_ASSETS] as const;

/**
 * The page's address with the API token in the fragment (never sent to a server; the page keeps
 * it): the machine credential, for scripts and the CLI's own use. People sign in instead.
 */
export const merchandiserUrl = (apiUrl: string, token: string): string =>
  `${apiUrl}${MERCHANDISER_PAGE.path}#token=${encodeURIComponent(token)}`;

/** Where a person opens a page (it asks them to sign in). */
export const pageUrl = (apiUrl: string, page: { readonly path: string }): string =>
  `${apiUrl}${page.path}`;
