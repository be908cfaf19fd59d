/** Static pages the local HTTP API serves beside the routes (the same files CDK deploys). */
import { fileURLToPath } from 'node:url';

/** The merchandiser's purchase-order page (docs/preorder.md). */
export const MERCHANDISER_PAGE = {
  path: '/merchandiser/',
  dir: fileURLToPath(new URL('../../shared/web/merchandiser/', import.meta.url)),
} as const;

/** The page's address with the token in the fragment (never sent to a server; the page keeps it). */
export const merchandiserUrl = (apiUrl: string, token: string): string =>
  `${apiUrl}${MERCHANDISER_PAGE.path}#token=${encodeURIComponent(token)}`;
