/** Small measuring tools the benchmarks share. */
import { readFileSync } from 'node:fs';

/** Runs `count` jobs on `concurrency` workers; returns the elapsed milliseconds. */
export async function pool(
  count: number,
  concurrency: number,
  job: (i: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let i = next++; i < count; i = next++) await job(i);
    }),
  );
  return performance.now() - started;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** A process's peak resident memory (VmHWM) in MB, or undefined when it cannot be read. */
export function peakRssMb(pid: number): number | undefined {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return hwm ? Math.round(Number(hwm) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A process's CPU time so far (user + system) in milliseconds, from /proc (Linux counts it in
 * clock ticks of 10 ms), or undefined when it cannot be read.
 */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state …": fields after the last ')' start at the state (field 3).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return undefined;
  }
}

/** CPU milliseconds used since a mark: this process's, and another process's when readable. */
export interface CpuUsed {
  readonly nodeMs: number;
  /** The other process's (e.g. DynamoDB Local's), undefined when /proc could not be read. */
  readonly otherMs?: number;
}

/**
 * Marks now; the function returned tells the CPU used since, by this process and by `pid` (user +
 * system, as `cpuMs` reads it), so that a benchmark can set a job's own CPU beside DynamoDB
 * Local's.
 */
export function cpuMark(pid?: number): () => CpuUsed {
  const node = process.cpuUsage();
  const other = pid === undefined ? undefined : cpuMs(pid);
  return () => {
    const used = process.cpuUsage(node);
    const after = pid === undefined ? undefined : cpuMs(pid);
    return {
      nodeMs: (used.user + used.system) / 1000,
      ...(other !== undefined && after !== undefined ? { otherMs: after - other } : {}),
    };
  };
}
