import { Aws } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { CfnUser } from 'aws-cdk-lib/aws-transfer';
import { Construct } from 'constructs';
import { userHomeKey, userHomePath } from '../feed-paths.ts';
import { grantHomePrefixAccess } from './home-prefix-access.ts';

export interface SftpUserProps {
  readonly serverId: string;
  readonly bucket: IBucket;
  readonly userName: string;
  /** OpenSSH public keys (RSA or ECDSA for NetSuite). None: add keys later in the console/CLI. */
  readonly sshPublicKeys?: readonly string[];
}

/**
 * A service-managed SFTP user chrooted to its home by a LOGICAL mapping
 * `/home/<user>` → `/<bucket>/home/<user>`, so an SFTP path and its S3 key are the same string.
 * Its role reaches only `home/<user>/*` of the feeds bucket.
 */
export class SftpUser extends Construct {
  readonly user: CfnUser;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: SftpUserProps) {
    super(scope, id);

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('transfer.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: `SFTP user ${props.userName}: read/write below ${userHomeKey(props.userName)}/ of the feeds bucket`,
    });
    grantHomePrefixAccess(this.role, props.bucket, props.userName, this.role);

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
