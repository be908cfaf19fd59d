/** The Lambda bundles `cdk synth` wrote to cdk.out: which function, which file, how large. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface LambdaBundle {
  /** The function's id: the feed or job id its description starts with. */
  readonly id: string;
  readonly runtime: string;
  /** Absolute path of the bundle's index.mjs. */
  readonly file: string;
  readonly bytes: number;
  /** gzip -9 of index.mjs: about what the deployment zip holds for it. */
  readonly gzipBytes: number;
  readonly mapBytes: number;
}

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: { readonly Description?: string; readonly Runtime?: string };
  readonly Metadata?: Record<string, unknown>;
}

/** Every Node.js function of the stack's template in `cdkOut` whose code is a local asset. */
export function lambdaBundles(cdkOut: string, stack = 'OmsJobs'): LambdaBundle[] {
  const templateFile = join(cdkOut, `${stack}.template.json`);
  if (!existsSync(templateFile)) {
    throw new Error(`${templateFile} is missing: run \`npx cdk synth --quiet\` first`);
  }
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as {
    Resources: Record<string, TemplateResource>;
  };
  return Object.values(template.Resources)
    .filter(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Runtime?.startsWith('nodejs'),
    )
    .flatMap((r) => {
      const asset = r.Metadata?.['aws:asset:path'];
      const file = typeof asset === 'string' ? join(cdkOut, asset, 'index.mjs') : undefined;
      if (!file || !existsSync(file)) return [];
      const map = `${file}.map`;
      return [
        {
          id: (r.Properties?.Description ?? '').split(':')[0] ?? '',
          runtime: r.Properties!.Runtime!,
          file,
          bytes: statSync(file).size,
          gzipBytes: gzipSync(readFileSync(file), { level: 9 }).length,
          mapBytes: existsSync(map) ? statSync(map).size : 0,
        },
      ];
    })
    .sort((a, b) => b.bytes - a.bytes);
}
