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

  it('scopes the user role to home/netsuite/* of the feeds bucket', () => {
    const statements = roleStatements(template, logicalId(oms.transfer.user.role));
    expect(statements).toHaveLength(2);

    const list = statements.find((s) => asArray(s.Action).includes('s3:ListBucket'))!;
    expect(asArray(list.Action)).toEqual(['s3:ListBucket']);
    expect(list.Condition).toEqual({
      StringLike: { 's3:prefix': ['home/netsuite/*', 'home/netsuite'] },
    });
    expect(JSON.stringify(list.Resource)).not.toContain('*');

    const objects = statements.find((s) => s !== list)!;
    expect(asArray(objects.Action).sort()).toEqual([
      's3:AbortMultipartUpload',
      's3:DeleteObject',
      's3:GetObject',
      's3:GetObjectVersion',
      's3:PutObject',
    ]);
    const resources = asArray(objects.Resource);
    expect(resources).toHaveLength(1);
    const parts = (resources[0] as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    expect(parts.at(-1)).toBe('/home/netsuite/*');
    expect(JSON.stringify(parts.slice(0, -1))).not.toContain('*');
    for (const s of statements) expect(s.Effect).toBe('Allow');
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
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
      });
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('limits the logging role to the /aws/transfer/ log groups of this account and region', () => {
    const serverProps = Object.values(template.findResources('AWS::Transfer::Server'))[0]!
      .Properties;
    const loggingRoleId = serverProps.LoggingRole['Fn::GetAtt'][0] as string;
    const statements = roleStatements(template, loggingRoleId);
    expect(statements).toHaveLength(1);
    expect(asArray(statements[0]!.Action).every((a) => a.startsWith('logs:'))).toBe(true);
    expect(statements[0]!.Resource).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':logs:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':log-group:/aws/transfer/*',
        ],
      ],
    });
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
