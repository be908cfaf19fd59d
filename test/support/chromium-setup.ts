/**
 * vitest globalSetup of the browser tests' project: makes sure Chromium is there before any of them
 * starts, once per run, in the main process (its progress goes straight to the terminal).
 */
import { ensureChromium } from './chromium.ts';

export default async function setup(): Promise<void> {
  await ensureChromium((line) => process.stderr.write(`[chromium] ${line}\n`));
}
