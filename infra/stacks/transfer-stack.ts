import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { FeedDefinition } from '../../shared/feeds/catalog.ts';
import { SftpAuthFailureAlarm } from '../constructs/sftp-auth-alarm.ts';
import { SftpServer } from '../constructs/sftp-server.ts';
import { SftpUser } from '../constructs/sftp-user.ts';
import { importFeedsBucket, type StorageRefs } from '../storage-refs.ts';

export interface TransferStackProps extends StackProps {
  readonly storage: StorageRefs;
  readonly netsuiteUser: string;
  readonly sshPublicKeys?: readonly string[];
  /** The feeds whose NetSuite folders the user works in. Default: the catalog. */
  readonly feeds?: readonly FeedDefinition[];
  /** The SNS topic the authentication-failure alarm notifies (none only with alarms=none). */
  readonly alarmTopicArn?: string;
}

/** The SFTP endpoint NetSuite talks to, and its one user. */
export class TransferStack extends Stack {
  readonly server: SftpServer;
  readonly user: SftpUser;
  readonly authFailures: SftpAuthFailureAlarm;

  constructor(scope: Construct, id: string, props: TransferStackProps) {
    super(scope, id, props);
    this.addStackDependency(props.storage.stack, 'the SFTP user stores into the feeds bucket');

    const bucket = importFeedsBucket(this, 'FeedsBucket', props.storage);
    this.server = new SftpServer(this, 'Sftp');
    this.user = new SftpUser(this, 'NetsuiteUser', {
      serverId: this.server.serverId,
      bucket,
      userName: props.netsuiteUser,
      sshPublicKeys: props.sshPublicKeys,
      feeds: props.feeds,
    });
    this.authFailures = new SftpAuthFailureAlarm(this, 'AuthFailures', {
      logGroup: this.server.logGroup,
      topicArn: props.alarmTopicArn,
    });

    new CfnOutput(this, 'SftpEndpoint', {
      value: this.server.endpoint,
      description: 'Host name NetSuite connects to (port 22)',
    });
    new CfnOutput(this, 'SftpServerId', { value: this.server.serverId });
    new CfnOutput(this, 'SftpUserName', { value: props.netsuiteUser });
  }
}
