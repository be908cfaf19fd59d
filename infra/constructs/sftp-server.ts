import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnServer } from 'aws-cdk-lib/aws-transfer';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../nag.ts';

export interface SftpServerProps {
  /** Default `TransferSecurityPolicy-2024-01` (no SHA-1, no CBC; RSA and ECDSA host keys, as NetSuite needs). */
  readonly securityPolicyName?: string;
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

  constructor(scope: Construct, id: string, props: SftpServerProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);

    // Transfer writes to `/aws/transfer/<server-id>`, and the id exists only once the server does,
    // so the role names the `/aws/transfer/` log groups of this account and region.
    const transferLogGroups = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: '/aws/transfer/*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const loggingRole = new Role(this, 'LoggingRole', {
      assumedBy: new ServicePrincipal('transfer.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'Lets the SFTP server write its CloudWatch logs',
    });
    loggingRole.addToPolicy(
      new PolicyStatement({
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:DescribeLogStreams',
          'logs:PutLogEvents',
        ],
        resources: [transferLogGroups],
      }),
    );
    acknowledgeWildcardResources(
      loggingRole,
      [transferLogGroups],
      'Transfer Family logs to the log group /aws/transfer/<server-id>, whose id is only known ' +
        'after the server (which needs this role) is created; the role is limited to the ' +
        '/aws/transfer/ log groups of this account and region (the scope of the AWS managed ' +
        'AWSTransferLoggingAccess policy is *).',
    );

    this.server = new CfnServer(this, 'Server', {
      identityProviderType: 'SERVICE_MANAGED',
      protocols: ['SFTP'],
      endpointType: 'PUBLIC',
      domain: 'S3',
      securityPolicyName: props.securityPolicyName ?? 'TransferSecurityPolicy-2024-01',
      loggingRole: loggingRole.roleArn,
    });
    this.serverId = this.server.attrServerId;
    this.endpoint = `${this.serverId}.server.transfer.${Aws.REGION}.${Aws.URL_SUFFIX}`;
  }
}
