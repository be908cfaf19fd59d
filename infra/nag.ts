/**
 * cdk-nag 3 acknowledgements.
 *
 * cdk-nag 3 runs as a CDK validation plugin and reads acknowledgements recorded with
 * `Validations.of(scope).acknowledge()`; an acknowledgement applies to the scope and everything
 * below it. Findings of multi-finding rules (IAM4, IAM5) are acknowledged one by one, with the
 * exact finding id, so these helpers compute that id the way cdk-nag does (resolve, then flatten).
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';

/** A cdk-nag AWS Solutions rule, or a rule of CDK's built-in CloudFormation validation. */
export type ValidationRuleId = `AwsSolutions-${string}` | `CloudFormation-Validate::${string}`;

export function acknowledge(scope: IConstruct, id: ValidationRuleId, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** The finding text cdk-nag reports for a (possibly tokenized) IAM resource or policy ARN. */
function finding(scope: IConstruct, value: string): string {
  return flattenCfnReference(Stack.of(scope).resolve(value));
}

/** Acknowledges AwsSolutions-IAM5 for exactly these wildcard resources. */
export function acknowledgeWildcardResources(
  scope: IConstruct,
  resources: readonly string[],
  reason: string,
): void {
  for (const resource of resources) {
    acknowledge(scope, `AwsSolutions-IAM5[Resource::${finding(scope, resource)}]`, reason);
  }
}

/** Acknowledges AwsSolutions-IAM5 for exactly these wildcard actions (e.g. `s3:GetObject*`). */
export function acknowledgeWildcardActions(
  scope: IConstruct,
  actions: readonly string[],
  reason: string,
): void {
  for (const action of actions) {
    acknowledge(scope, `AwsSolutions-IAM5[Action::${action}]`, reason);
  }
}

/** Acknowledges AwsSolutions-IAM4 for exactly these AWS managed policies. */
export function acknowledgeManagedPolicies(
  scope: IConstruct,
  policyArns: readonly string[],
  reason: string,
): void {
  for (const arn of policyArns) {
    acknowledge(scope, `AwsSolutions-IAM4[Policy::${finding(scope, arn)}]`, reason);
  }
}
