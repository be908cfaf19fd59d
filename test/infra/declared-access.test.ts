/**
 * Every function's IAM policy against its registry entry (shared/registry/): each Lambda of the
 * synthesized stacks is found by its description (`<id>: …`), its role's statements are read, and
 * the S3 and DynamoDB (action, resource) pairs must be exactly those its declaration derives.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { S3_ACTIONS, TABLE_ACTIONS } from '../../infra/constructs/declared-access.ts';
import type { OmsApp } from '../../infra/oms-app.ts';
import { implementedFeeds } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import type { FunctionEntry } from '../../shared/registry/functions.ts';
import { asArray, buildApp, roleStatements } from './helpers.ts';

type Pair = string;

/** The operator console's handlers: the only API handlers with S3 (and SQS) access. */
const CONSOLE = ['api-console', 'api-console-actions'];

let oms: OmsApp;
const entries: { stack: Stack; template: Template; entry: FunctionEntry }[] = [];

beforeAll(() => {
  oms = buildApp();
  for (const stack of [oms.jobs, oms.api] as const) {
    const template = Template.fromStack(stack);
    for (const entry of stack.registry) entries.push({ stack, template, entry });
  }
});

function functionRole(template: Template, id: string): string {
  const fns = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) =>
    String(f.Properties.Description ?? '').startsWith(`${id}: `),
  );
  expect(fns, `one function for ${id}`).toHaveLength(1);
  return fns[0]!.Properties.Role['Fn::GetAtt'][0] as string;
}

function granted(stack: Stack, template: Template, role: string, service: string): Set<Pair> {
  const pairs = new Set<Pair>();
  for (const st of roleStatements(template, role)) {
    expect(st.Effect).toBe('Allow');
    for (const action of asArray(st.Action)) {
      if (!action.startsWith(`${service}:`) || action === 's3:ListBucket') continue;
      for (const r of asArray(st.Resource)) pairs.add(`${action} ${JSON.stringify(r)}`);
    }
  }
  return pairs;
}

function declaredS3(stack: Stack, entry: FunctionEntry): Set<Pair> {
  const bucket = `arn:${stack.partition}:s3:::${oms.storage.refs.bucketName}`;
  const pairs = new Set<Pair>();
  for (const need of entry.s3) {
    const arn = JSON.stringify(stack.resolve(`${bucket}/${need.prefix}*`));
    for (const action of S3_ACTIONS[need.access]) pairs.add(`${action} ${arn}`);
  }
  return pairs;
}

function declaredTables(stack: Stack, entry: FunctionEntry): Set<Pair> {
  const pairs = new Set<Pair>();
  for (const [key, mode] of Object.entries(entry.tables)) {
    const arn = JSON.stringify(
      stack.resolve(
        stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: `oms-${key}` }),
      ),
    );
    for (const action of TABLE_ACTIONS[mode!]) pairs.add(`${action} ${arn}`);
  }
  return pairs;
}

describe('every function may do exactly what its registry entry declares', () => {
  it('covers every function of the registry', () => {
    expect(entries.length).toBe(oms.jobs.registry.length + oms.api.registry.length);
    const kinds = new Set(entries.map((e) => e.entry.kind));
    expect([...kinds].sort()).toEqual(['api', 'core-job', 'export', 'import']);
  });

  it('S3: the declared prefixes with the actions of their access mode, nothing else', () => {
    for (const { stack, template, entry } of entries) {
      const role = functionRole(template, entry.id);
      expect([...granted(stack, template, role, 's3')].sort(), entry.id).toEqual(
        [...declaredS3(stack, entry)].sort(),
      );
    }
  });

  it('DynamoDB: the declared tables, read-only where declared read', () => {
    for (const { stack, template, entry } of entries) {
      const role = functionRole(template, entry.id);
      expect([...granted(stack, template, role, 'dynamodb')].sort(), entry.id).toEqual(
        [...declaredTables(stack, entry)].sort(),
      );
    }
  });

  it('API handlers have no S3 access (but the operator console’s, below); lookups only read', () => {
    const api = entries.filter((e) => e.entry.kind === 'api');
    expect(api.length).toBeGreaterThan(0);
    for (const { stack, template, entry } of api.filter((e) => !CONSOLE.includes(e.entry.id))) {
      const role = functionRole(template, entry.id);
      expect(granted(stack, template, role, 's3').size, entry.id).toBe(0);
      const all = roleStatements(template, role).flatMap((s) => asArray(s.Action));
      expect(
        all.some((a) => a.startsWith('s3:')),
        entry.id,
      ).toBe(false);
    }
    for (const id of ['api-get-order', 'api-store-queue']) {
      const e = api.find((x) => x.entry.id === id)!;
      const actions = [...granted(e.stack, e.template, functionRole(e.template, id), 'dynamodb')];
      expect(actions.some((p) => /PutItem|UpdateItem|DeleteItem|BatchWriteItem/.test(p))).toBe(
        false,
      );
    }
  });

  it('the operator console reads the inbound feeds’ folders (their kept files); its actions also write them', () => {
    const inbound = implementedFeeds().filter((f) => f.trigger.kind === 'object-created');
    const byId = (id: string) => entries.find((e) => e.entry.id === id)!;
    const read = byId('api-console').entry;
    expect(read.s3.every((n) => n.access === 'read')).toBe(true);
    expect(read.s3.map((n) => n.prefix).sort()).toEqual(
      inbound.map((f) => feedPrefix('netsuite', f)).sort(),
    );
    const act = byId('api-console-actions').entry;
    expect(act.s3.map((n) => `${n.access} ${n.prefix}`).sort()).toEqual(
      [
        ...inbound.map((f) => `read-write ${feedPrefix('netsuite', f)}`),
        'read-write oms-state/staging/',
      ].sort(),
    );
    // Only outbound folders are NetSuite's to read: the console never writes into one.
    const outbound = implementedFeeds().filter((f) => f.direction === 'outbound');
    for (const f of outbound) {
      expect(act.s3.some((n) => feedPrefix('netsuite', f).startsWith(n.prefix))).toBe(false);
    }
  });

  it('the console handlers reach only the jobs stack’s queues: list and peek, or re-drive', () => {
    for (const [id, mayRedrive] of [
      ['api-console', false],
      ['api-console-actions', true],
    ] as const) {
      const { template } = entries.find((e) => e.entry.id === id)!;
      const role = functionRole(template, id);
      const statements = roleStatements(template, role).filter((s) =>
        asArray(s.Action).some((a) => a.startsWith('sqs:')),
      );
      const actions = statements.flatMap((s) => asArray(s.Action)).sort();
      expect(actions.includes('sqs:SendMessage'), id).toBe(mayRedrive);
      expect(actions.includes('sqs:StartMessageMoveTask'), id).toBe(mayRedrive);
      for (const s of statements) {
        if (asArray(s.Action).includes('sqs:ListQueues')) continue;
        expect(JSON.stringify(s.Resource), id).toContain(`:${oms.jobs.stackName}-*`);
      }
    }
    const others = entries.filter((e) => e.entry.kind === 'api' && !CONSOLE.includes(e.entry.id));
    for (const { template, entry } of others) {
      const all = roleStatements(template, functionRole(template, entry.id)).flatMap((s) =>
        asArray(s.Action),
      );
      expect(
        all.some((a) => a.startsWith('sqs:')),
        entry.id,
      ).toBe(false);
    }
  });

  it("a feed's function reaches only its own folder (plus the OMS staging area and state it declares)", () => {
    for (const { entry } of entries.filter((e) => ['import', 'export'].includes(e.entry.kind))) {
      const prefixes = entry.s3.map((n) => n.prefix);
      const outside = prefixes.filter((p) => !p.startsWith('oms-state/'));
      expect(outside, entry.id).toHaveLength(1);
    }
  });

  it('exports only create files in their folder (no read, no delete)', () => {
    for (const { entry } of entries.filter((e) => e.entry.kind === 'export')) {
      const own = entry.s3.find((n) => !n.prefix.startsWith('oms-state/'))!;
      expect(own.access, entry.id).toBe('write');
    }
  });
});
