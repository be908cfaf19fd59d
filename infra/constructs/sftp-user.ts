import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { CfnUser } from 'aws-cdk-lib/aws-transfer';
import { Construct } from 'constructs';
import { userHomeKey, userHomePath } from '../feed-paths.ts';
import type { FeedDefinition } from '../../shared/feeds/catalog.ts';
import { acknowledgeWildcardResources } from '../nag.ts';
import { netsuiteSftpStatements } from './netsuite-sftp-access.ts';
import { transferTrustConditions } from './sftp-server.ts';

export interface SftpUserProps {
  readonly serverId: string;
  readonly bucket: IBucket;
  readonly userName: string;
  /** OpenSSH public keys (RSA or ECDSA for NetSuite). None: add keys later in the console/CLI. */
  readonly sshPublicKeys?: readonly string[];
  /** The feeds whose folders the user works in. Default: the catalog. */
  readonly feeds?: readonly FeedDefinition[];
}

/**
 * A service-managed SFTP user chrooted to its home by a LOGICAL mapping
 * `/home/<user>` → `/<bucket>/home/<user>`, so an SFTP path and its S3 key are the same string.
 * Its role reaches only the NetSuite folders below `home/<user>/`, each as the contract says
 * NetSuite uses it (`netsuite-sftp-access.ts`).
 */
export class SftpUser extends Construct {
  readonly user: CfnUser;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: SftpUserProps) {
    super(scope, id);

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('transfer.amazonaws.com', {
        conditions: transferTrustConditions(this),
      }),
      description: `SFTP user ${props.userName}: the NetSuite folders below ${userHomeKey(props.userName)}/ of the feeds bucket`,
    });
    const statements = netsuiteSftpStatements(props.bucket, props.userName, props.feeds);
    for (const statement of statements) this.role.addToPolicy(statement);
    acknowledgeWildcardResources(
      this.role,
      [
        ...new Set(
          statements
            .filter((s) => s.effect === 'Allow' && !s.actions.includes('s3:ListBucket'))
            .flatMap((s) => s.resources),
        ),
      ],
      'NetSuite names its files at run time; each grant names one NetSuite folder of the feed ' +
        'catalog (or its archive/, error/, failed/) with the actions the contract gives NetSuite ' +
        'there, and denies the rest (netsuite-sftp-access.ts).',
    );

    const keys = props.sshPublicKeys ?? [];
    this.user = new CfnUser(this, 'User', {
      serverId: props.serverId,
      userName: props.userName,
      role: this.role.roleArn,
      homeDirectoryType: 'LOGICAL',
      homeDirectoryMappings: [
        {
          entry: userHomePath(props.userName),
          target: `/${props.bucket.bucketName}/${userHomeKey(props.userName)}`,
        },
      ],
      sshPublicKeys: keys.length > 0 ? [...keys] : undefined,
    });
    // The user must not exist before its role can be assumed with the policy attached.
    this.user.node.addDependency(this.role);
  }
}
