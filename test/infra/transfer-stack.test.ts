import { netsuiteFolders } from '../../infra/constructs/netsuite-sftp-access.ts';
import { netsuiteMay, type ObjectAction } from '../../shared/feeds/netsuite-folder-rules.ts';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OmsApp } from '../../infra/oms-app.ts';
import { asArray, buildApp, logicalId, roleStatements } from './helpers.ts';

const KEY = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY= netsuite@test';

describe('TransferStack', () => {
  let oms: OmsApp;
  let template: Template;

  beforeAll(() => {
    oms = buildApp();
    template = Template.fromStack(oms.transfer);
  });

  it('runs a public, service-managed SFTP-only server with a current security policy and logging', () => {
    template.resourceCountIs('AWS::Transfer::Server', 1);
    template.hasResourceProperties('AWS::Transfer::Server', {
      IdentityProviderType: 'SERVICE_MANAGED',
      Protocols: ['SFTP'],
      EndpointType: 'PUBLIC',
      Domain: 'S3',
      SecurityPolicyName: 'TransferSecurityPolicy-2024-01',
      LoggingRole: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SftpLoggingRole'), 'Arn'] },
    });
  });

  it('maps /home/netsuite exactly to /<bucket>/home/netsuite (LOGICAL)', () => {
    const users = Object.values(template.findResources('AWS::Transfer::User'));
    expect(users).toHaveLength(1);
    const user = users[0]!.Properties;
    expect(user.UserName).toBe('netsuite');
    expect(user.HomeDirectoryType).toBe('LOGICAL');
    expect(user.HomeDirectory).toBeUndefined();
    expect(user.HomeDirectoryMappings).toEqual([
      {
        Entry: '/home/netsuite',
        Target: oms.transfer.resolve(`/${oms.storage.refs.bucketName}/home/netsuite`),
      },
    ]);
    expect(user.HomeDirectoryMappings[0].Target).toEqual({
      'Fn::Join': [
        '',
        ['/oms-feeds-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }, '/home/netsuite'],
      ],
    });
    expect(user.ServerId).toEqual({
      'Fn::GetAtt': [logicalId(oms.transfer.server.server), 'ServerId'],
    });
    expect(user.Role).toEqual({ 'Fn::GetAtt': [logicalId(oms.transfer.user.role), 'Arn'] });
    expect(user.SshPublicKeys).toBeUndefined();
  });

  describe('the NetSuite user role (the contract, folder by folder)', () => {
    const bucket = () => `arn:${oms.transfer.partition}:s3:::${oms.storage.refs.bucketName}`;
    const sorted = (v: unknown) =>
      asArray(v)
        .map((x) => JSON.stringify(x))
        .sort();
    const arns = (prefixes: readonly string[], tail: string) =>
      sorted(oms.transfer.resolve(prefixes.map((p) => `${bucket()}/${p}${tail}`)));
    const folders = () => netsuiteFolders('netsuite');
    const bySid = (sid: string) =>
      roleStatements(template, logicalId(oms.transfer.user.role)).find((s) => s.Sid === sid)!;

    it('reaches only NetSuite folders: no staging, no storefront, no OMS state', () => {
      const text = JSON.stringify(roleStatements(template, logicalId(oms.transfer.user.role)));
      expect(text).not.toContain('oms-state');
      expect(text).not.toContain('storefront');
      expect(folders().inbound.length).toBeGreaterThan(5);
      expect(folders().outbound).toContain('home/netsuite/netsuite/salesorder/update/');
    });

    it('uploads, reads and deletes its own files in inbound folders, never in their subfolders', () => {
      const up = bySid('UploadToInboundFolders');
      expect(up.Effect).toBe('Allow');
      expect(sorted(up.Resource)).toEqual(arns(folders().inbound, '*'));
      const deny = bySid('DenyInboundSubfolders');
      expect(deny.Effect).toBe('Deny');
      expect(asArray(deny.Action).sort()).toEqual([
        's3:AbortMultipartUpload',
        's3:DeleteObject',
        's3:PutObject',
      ]);
      // archive/, error/, failed/ (and any other subfolder) of every inbound folder.
      expect(sorted(deny.Resource)).toEqual(arns(folders().inbound, '*/*'));
    });

    it('reads outbound files and moves them away, writing only to archive/, error/, failed/', () => {
      expect(asArray(bySid('ReadOutboundFolders').Action)).toEqual(['s3:GetObject']);
      expect(asArray(bySid('MoveOutboundFilesAway').Action)).toEqual(['s3:DeleteObject']);
      const write = bySid('WriteOutboundArchiveErrorFailed');
      expect(sorted(write.Resource)).toEqual(
        sorted(
          ['archive', 'error', 'failed'].flatMap((sub) =>
            oms.transfer.resolve(folders().outbound.map((p) => `${bucket()}/${p}${sub}/*`)),
          ),
        ),
      );
      const deny = bySid('DenyOutboundSubfolderDeletes');
      expect(deny.Effect).toBe('Deny');
      expect(asArray(deny.Action)).toEqual(['s3:DeleteObject']);
      expect(sorted(deny.Resource)).toEqual(arns(folders().outbound, '*/*'));
      // No PutObject on an outbound folder's own files: only the OMS writes what NetSuite imports.
      const puts = roleStatements(template, logicalId(oms.transfer.user.role)).filter(
        (st) => st.Effect === 'Allow' && asArray(st.Action).includes('s3:PutObject'),
      );
      for (const st of puts) {
        for (const r of sorted(st.Resource)) {
          for (const out of folders().outbound) {
            if (r.includes(out)) expect(r).toMatch(/\/(archive|error|failed)\/\*/);
          }
        }
      }
    });

    it('allows exactly what the folder rules the local SFTP server enforces allow', () => {
      // The role evaluated as IAM does (an explicit Deny wins, then any Allow), object by object.
      const flat = (v: unknown): string => {
        if (typeof v === 'string') return v;
        const o = v as { 'Fn::Join'?: [string, unknown[]]; Ref?: string };
        if (o['Fn::Join']) return o['Fn::Join'][1].map(flat).join(o['Fn::Join'][0]);
        if (o.Ref) return `<${o.Ref}>`;
        throw new Error(`cannot read ${JSON.stringify(v)}`);
      };
      const glob = (pattern: string) =>
        new RegExp(
          `^${pattern
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.')}$`,
        );
      const statements = roleStatements(template, logicalId(oms.transfer.user.role)).map((st) => ({
        effect: st.Effect as string,
        actions: asArray(st.Action) as string[],
        resources: asArray(st.Resource).map((r) => glob(flat(oms.transfer.resolve(r)))),
      }));
      const s3Action: Record<ObjectAction, string> = {
        read: 's3:GetObject',
        write: 's3:PutObject',
        delete: 's3:DeleteObject',
      };
      const bucketArn = flat(oms.transfer.resolve(bucket()));
      const iamAllows = (action: ObjectAction, key: string) => {
        const arn = `${bucketArn}/${key}`;
        const hits = statements.filter(
          (st) => st.actions.includes(s3Action[action]) && st.resources.some((r) => r.test(arn)),
        );
        return !hits.some((h) => h.effect === 'Deny') && hits.some((h) => h.effect === 'Allow');
      };
      const keys = [
        ...[...folders().inbound, ...folders().outbound].flatMap((p) => [
          `${p}x.csv`,
          p,
          ...['archive', 'error', 'failed', 'other'].flatMap((sub) => [
            `${p}${sub}/x.csv`,
            `${p}${sub}/`,
          ]),
          `${p}archive/deeper/x.csv`,
        ]),
        'home/netsuite/x.csv',
        'home/netsuite/netsuite/x.csv',
        'home/netsuite/netsuite/salesorder/x.csv',
        'oms-state/staging/x.csv',
        'storefront/orders/x.json',
        'home/other/x.csv',
      ];
      let allowedSomewhere = 0;
      for (const key of keys) {
        for (const action of ['read', 'write', 'delete'] as const) {
          const rule = netsuiteMay(folders(), action, key);
          expect(iamAllows(action, key), `${action} ${key}`).toBe(rule);
          if (rule) allowedSomewhere++;
        }
      }
      // Neither side allows nothing (the comparison would then prove little).
      expect(allowedSomewhere).toBeGreaterThan(keys.length);
    });

    it('lists only below its home', () => {
      const list = bySid('ListHome');
      expect(list.Condition).toEqual({
        StringLike: { 's3:prefix': ['home/netsuite/*', 'home/netsuite'] },
      });
    });
  });

  it('lets only Transfer Family of this account assume the roles', () => {
    const roles = template.findResources('AWS::IAM::Role');
    expect(Object.keys(roles)).toHaveLength(2);
    for (const role of Object.values(roles)) {
      expect(role.Properties).toMatchObject({
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Action: 'sts:AssumeRole',
              Effect: 'Allow',
              Principal: { Service: 'transfer.amazonaws.com' },
              Condition: {
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
                ArnLike: {
                  'aws:SourceArn': {
                    'Fn::Join': [
                      '',
                      [
                        'arn:',
                        { Ref: 'AWS::Partition' },
                        ':transfer:',
                        { Ref: 'AWS::Region' },
                        ':',
                        { Ref: 'AWS::AccountId' },
                        ':server/*',
                      ],
                    ],
                  },
                },
              },
            },
          ],
        },
      });
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('logs to its own log group, with a retention; the logging role may write only there', () => {
    const serverProps = Object.values(template.findResources('AWS::Transfer::Server'))[0]!
      .Properties;
    const loggingRoleId = serverProps.LoggingRole['Fn::GetAtt'][0] as string;
    const groupId = logicalId(oms.transfer.server.logGroup);
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: {
        'Fn::Join': [
          '',
          ['/aws/transfer/', { 'Fn::GetAtt': [logicalId(oms.transfer.server.server), 'ServerId'] }],
        ],
      },
      RetentionInDays: 365,
    });
    const statements = roleStatements(template, loggingRoleId);
    expect(statements).toHaveLength(1);
    expect(asArray(statements[0]!.Action)).not.toContain('logs:CreateLogGroup');
    expect(statements[0]!.Resource).toEqual({ 'Fn::GetAtt': [groupId, 'Arn'] });
  });

  it('alarms on failed logins (AUTH_FAILURE in the server log), notifying the alarm topic', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '"AUTH_FAILURE"',
      LogGroupName: { Ref: logicalId(oms.transfer.server.logGroup) },
    });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.Properties.AlarmActions).toHaveLength(1);
    expect(JSON.stringify(alarms[0]!.Properties.AlarmActions)).toContain(':oms-alarms');
  });

  it('outputs the server endpoint', () => {
    template.hasOutput('SftpEndpoint', {
      Value: {
        'Fn::Join': [
          '',
          [
            { 'Fn::GetAtt': [logicalId(oms.transfer.server.server), 'ServerId'] },
            '.server.transfer.',
            { Ref: 'AWS::Region' },
            '.',
            { Ref: 'AWS::URLSuffix' },
          ],
        ],
      },
    });
  });

  it('takes the user name and SSH public key from context', () => {
    const other = buildApp({ context: { netsuiteUser: 'ns_prod', sftpPublicKey: KEY } });
    const t = Template.fromStack(other.transfer);
    const user = Object.values(t.findResources('AWS::Transfer::User'))[0]!.Properties;
    expect(user.UserName).toBe('ns_prod');
    expect(user.SshPublicKeys).toEqual([KEY]);
    expect(user.HomeDirectoryMappings[0].Entry).toBe('/home/ns_prod');
    expect(JSON.stringify(user.HomeDirectoryMappings[0].Target)).toMatch(
      /"\/home\/ns_prod"\]\]\}$/,
    );
  });

  it('rejects a malformed SSH key or user name at synthesis', () => {
    expect(() => buildApp({ context: { sftpPublicKey: 'not a key' } })).toThrow(
      /OpenSSH public keys/,
    );
    expect(() => buildApp({ context: { netsuiteUser: '../x' } })).toThrow(
      /not a valid SFTP user name/,
    );
  });
});
