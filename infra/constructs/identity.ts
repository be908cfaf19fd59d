import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  Mfa,
  StringAttribute,
  UserPool,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { GROUP_DESCRIPTIONS, GROUPS, STORES_ATTRIBUTE } from '../../shared/auth/groups.ts';

export interface OmsIdentityProps {
  /** The hosted UI's domain prefix (`<prefix>.auth.<region>.amazoncognito.com`). */
  readonly domainPrefix: string;
}

/**
 * The people of the OMS: a Cognito user pool (people are created by an administrator — no self
 * sign-up; strong passwords; MFA with an authenticator app required of everyone, so of admins),
 * its groups (`shared/auth/groups.ts`: merchandiser, store-associate, operator, admin) and the
 * custom attribute `stores` (the stores a store associate acts for, `STORE1,STORE2`; only an
 * administrator sets it: the pages' app client may not write it). The hosted UI's domain signs
 * people in for the pages (`pages-hosting.ts`). Retained: it holds the users.
 */
export class OmsIdentity extends Construct {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;

  constructor(scope: Construct, id: string, props: OmsIdentityProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      customAttributes: {
        [STORES_ATTRIBUTE]: new StringAttribute({ maxLen: 2048, mutable: true }),
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    GROUPS.forEach((group, precedence) => {
      new CfnUserPoolGroup(this, `Group-${group}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group,
        description: GROUP_DESCRIPTIONS[group],
        precedence,
      });
    });
    this.domain = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
    });
  }
}
