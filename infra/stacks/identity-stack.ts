import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { OmsIdentity } from '../constructs/identity.ts';

export interface IdentityStackProps extends StackProps {
  readonly domainPrefix: string;
}

/** The user pool in a stack of its own: stateful (it holds the people), retained, rarely changed. */
export class IdentityStack extends Stack {
  readonly identity: OmsIdentity;

  constructor(scope: Construct, id: string, props: IdentityStackProps) {
    super(scope, id, props);
    this.identity = new OmsIdentity(this, 'Identity', { domainPrefix: props.domainPrefix });
    acknowledge(
      this.identity.userPool,
      'AwsSolutions-COG8',
      'Threat protection (adaptive authentication, compromised credentials) needs the Plus feature plan, priced per monthly active user; the pool has no self sign-up, requires MFA of everyone and strong passwords, and the hosted UI locks out repeated failures. Turn it on in the console when the plan is bought.',
    );
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'HostedUiDomain', { value: this.identity.domain.baseUrl() });
  }
}
