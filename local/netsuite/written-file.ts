/** Writing a file for the OMS: atomically over SFTP, and noted in the journal (`written`). */
import type { ScriptContext } from './context.ts';

export async function writeFileForOms(
  ctx: Pick<ScriptContext, 'sftp' | 'journal' | 'now'>,
  folder: string,
  name: string,
  text: string,
): Promise<void> {
  await ctx.sftp.writeAtomically(folder, name, text);
  ctx.journal.written.push({ folder, name, text, at: ctx.now().toISOString() });
}
