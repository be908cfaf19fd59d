import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnServer } from 'aws-cdk-lib/aws-transfer';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../nag.ts';

/** `aws:SourceAccount` and `aws:SourceArn` (any Transfer server of this account and region). */
export function transferTrustConditions(scope: Construct): Record<string, Record<string, string>> {
  const stack = Stack.of(scope);
  return {
    StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
    ArnLike: {
      'aws:SourceArn': stack.formatArn({
        service: 'transfer',
        resource: 'server',
        resourceName: '*',
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    },
  };
}

export interface SftpServerProps {
  /** Default `TransferSecurityPolicy-2024-01` (no SHA-1, no CBC; RSA and ECDSA host keys, as NetSuite needs). */
  readonly securityPolicyName?: string;
  /** How long the server's log group keeps its logs. Default one year. */
  readonly logRetention?: RetentionDays;
}

/**
 * A public, service-managed SFTP endpoint of AWS Transfer Family, storing in S3, with CloudWatch
 * logging through a dedicated role.
 */
export class SftpServer extends Construct {
  readonly server: CfnServer;
  readonly serverId: string;
  /** `<server-id>.server.transfer.<region>.amazonaws.com` */
  readonly endpoint: string;
  /** `/aws/transfer/<server-id>`, created here with a retention (Transfer may not create it). */
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: SftpServerProps = {}) {
    super(scope, id);

    const loggingRole = new Role(this, 'LoggingRole', {
      assumedBy: new ServicePrincipal('transfer.amazonaws.com', {
        conditions: transferTrustConditions(this),
      }),
      description: 'Lets the SFTP server write its CloudWatch logs',
    });

    this.server = new CfnServer(this, 'Server', {
      identityProviderType: 'SERVICE_MANAGED',
      protocols: ['SFTP'],
      endpointType: 'PUBLIC',
      domain: 'S3',
      securityPolicyName: props.securityPolicyName ?? 'TransferSecurityPolicy-2024-01',
      loggingRole: loggingRole.roleArn,
    });
    this.serverId = this.server.attrServerId;

    // Transfer writes to `/aws/transfer/<server-id>`; the group is created here, with a retention,
    // and the role may only write into it (no logs:CreateLogGroup: Transfer cannot create it first
    // without one). The role's policy is its own resource, created after the server.
    this.logGroup = new LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/transfer/${this.serverId}`,
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
    });
    loggingRole.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    acknowledgeWildcardResources(
      loggingRole,
      [this.logGroup.logGroupArn],
      'Transfer Family names its log streams at run time (one per session); the role may write ' +
        "only to the log streams of this server's own log group /aws/transfer/<server-id> (its ARN ends in :*).",
    );
    this.endpoint = `${this.serverId}.server.transfer.${Aws.REGION}.${Aws.URL_SUFFIX}`;
  }
}
