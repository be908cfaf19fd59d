/** Builds the OMS CDK app for infra tests, with the real cdk.json context and a stub handler. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Stack, type CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { FeedDefinition } from '../../shared/feeds/catalog.ts';
import { createOmsApp, type OmsApp } from '../../infra/oms-app.ts';

/** A handler module that bundles in milliseconds; the real ones are covered by the nag test. */
export const STUB_ENTRY = fileURLToPath(new URL('./fixtures/stub-handler.ts', import.meta.url));

/** The context `cdk synth` gets from cdk.json (feature flags and defaults). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(
    readFileSync(fileURLToPath(new URL('../../cdk.json', import.meta.url)), 'utf8'),
  ) as { context: Record<string, unknown> };
  return cdkJson.context;
}

export interface TestAppOptions {
  readonly context?: Record<string, unknown>;
  readonly feeds?: readonly FeedDefinition[];
  /** Default: every handler resolves to STUB_ENTRY. `null`: the real `functions/` folder. */
  readonly entryFor?: ((handler: string) => string) | null;
  readonly nag?: boolean;
  /**
   * CDK's built-in CloudFormation validation (on in `cdk synth`). Off by default here: its
   * one-time start-up costs several seconds per test file and these tests assert templates.
   */
  readonly cfnValidation?: boolean;
}

const ALARM_KEYS = ['alarmEmail', 'alarmTopicArn', 'alarms'];

/** The test's context, with `alarmEmail: ops@example.com` unless it names an alarm target. */
export function withAlarmTarget(context: Record<string, unknown> = {}): Record<string, unknown> {
  return ALARM_KEYS.some((k) => k in context)
    ? context
    : { alarmEmail: 'ops@example.com', ...context };
}

export function buildApp(options: TestAppOptions = {}): OmsApp {
  return createOmsApp({
    appProps: {
      // A deployment must name an alarm target; the tests name an address unless they set one.
      context: { ...cdkJsonContext(), ...withAlarmTarget(options.context) },
      builtinCloudFormationValidation: options.cfnValidation ?? false,
    },
    feeds: options.feeds,
    entryFor: options.entryFor === null ? undefined : (options.entryFor ?? (() => STUB_ENTRY)),
    nag: options.nag,
  });
}

/** Resolves a value (tokens included) the way it appears in the stack's template. */
export const resolved = (stack: Stack, value: unknown): unknown => stack.resolve(value);

/** The logical id of a construct's CloudFormation resource (its default child, or itself). */
export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Sid?: string;
};

/** All statements of the AWS::IAM::Policy resources attached to a role (by logical id). */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleLogicalId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

export const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
