/**
 * People on AWS (issue 19): the Cognito user pool, the JWT authorizer on every route people call
 * and IAM on every machine route (from `shared/auth/route-access.ts`), and the pages' hosting —
 * CloudFront with origin access control in front of a private bucket, security headers with a
 * strict CSP, the hosted UI's app client (code + PKCE, no secret, may not write custom:stores),
 * and the optional custom domain from context.
 */
import { Template, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { routeKey, ROUTES } from '../../shared/api/routes.ts';
import { GROUPS } from '../../shared/auth/groups.ts';
import { routeKeysBy } from '../../shared/auth/route-access.ts';
import type { OmsApp } from '../../infra/oms-app.ts';
import { buildApp } from './helpers.ts';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234';

let oms: OmsApp;
let api: Template;
let identity: Template;

beforeAll(() => {
  oms = buildApp();
  api = Template.fromStack(oms.api);
  identity = Template.fromStack(oms.identity);
});

const one = (t: Template, type: string) => {
  const all = Object.values(t.findResources(type));
  expect(all, type).toHaveLength(1);
  return all[0]!.Properties as Record<string, unknown>;
};
const text = (v: unknown) => JSON.stringify(v);

describe('routes: JWT for people, IAM for machines', () => {
  it('every people route has the Cognito JWT authorizer; every machine route IAM', () => {
    const routes = Object.values(api.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) =>
        r.Properties as { RouteKey: string; AuthorizationType: string; AuthorizerId?: unknown },
    );
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(ROUTES.map(routeKey).sort());
    const people = new Set(routeKeysBy('people'));
    const machine = new Set(routeKeysBy('machine'));
    expect(machine).toEqual(new Set(['POST /orders']));
    expect(people.size + machine.size).toBe(ROUTES.length);
    const [authorizerId] = Object.keys(api.findResources('AWS::ApiGatewayV2::Authorizer'));
    for (const r of routes) {
      if (people.has(r.RouteKey)) {
        expect(r.AuthorizationType, r.RouteKey).toBe('JWT');
        expect(r.AuthorizerId, r.RouteKey).toEqual({ Ref: authorizerId });
      } else {
        expect(r.AuthorizationType, r.RouteKey).toBe('AWS_IAM');
        expect(r.AuthorizerId, r.RouteKey).toBeUndefined();
      }
    }
  });

  it('the operator console’s routes have the JWT authorizer (operators and admins sign in)', () => {
    const routes = Object.values(api.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) =>
        r.Properties as { RouteKey: string; AuthorizationType: string; AuthorizerId?: unknown },
    );
    const [authorizerId] = Object.keys(api.findResources('AWS::ApiGatewayV2::Authorizer'));
    const console = routes.filter((r) => / \/console\//.test(r.RouteKey));
    expect(console.map((r) => r.RouteKey).sort()).toEqual(
      ROUTES.map(routeKey)
        .filter((k) => k.includes(' /console/'))
        .sort(),
    );
    expect(console.length).toBe(10);
    for (const r of console) {
      expect(r.AuthorizationType, r.RouteKey).toBe('JWT');
      expect(r.AuthorizerId, r.RouteKey).toEqual({ Ref: authorizerId });
    }
  });

  it('the JWT authorizer trusts the user pool as issuer and the pages’ client as audience', () => {
    const authorizer = one(api, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.AuthorizerType).toBe('JWT');
    expect(authorizer.IdentitySource).toEqual(['$request.header.Authorization']);
    const jwt = authorizer.JwtConfiguration as { Audience: unknown[]; Issuer: unknown };
    expect(text(jwt.Issuer)).toContain('cognito-idp.');
    const [clientId] = Object.keys(api.findResources('AWS::Cognito::UserPoolClient'));
    expect(jwt.Audience).toEqual([{ Ref: clientId }]);
  });

  it('answers CORS preflights for the pages (bearer tokens, no credentials)', () => {
    const cors = one(api, 'AWS::ApiGatewayV2::Api').CorsConfiguration as Record<string, unknown>;
    expect(cors).toMatchObject({
      AllowHeaders: ['authorization', 'content-type'],
      AllowMethods: ['GET', 'POST'],
      AllowOrigins: ['https://*'],
    });
    expect(cors.AllowCredentials).toBeUndefined();
  });
});

describe('the user pool', () => {
  it('no self sign-up, strong passwords, MFA required (so of admins), a stores attribute', () => {
    const pool = one(identity, 'AWS::Cognito::UserPool');
    expect(pool).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      DeletionProtection: 'ACTIVE',
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
    });
    expect(pool.Schema).toContainEqual(
      expect.objectContaining({ Name: 'stores', AttributeDataType: 'String', Mutable: true }),
    );
    identity.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain' });
  });

  it('has the four groups and a hosted UI domain', () => {
    const groups = Object.values(identity.findResources('AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties.GroupName,
    );
    expect(groups.sort()).toEqual([...GROUPS].sort());
    identity.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('the pages’ client: code flow (PKCE, no secret), back to the pages, never writes stores', () => {
    const client = one(api, 'AWS::Cognito::UserPoolClient');
    expect(client).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: expect.arrayContaining(['openid']),
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      ExplicitAuthFlows: expect.not.arrayContaining(['ALLOW_USER_PASSWORD_AUTH']),
    });
    expect(client.ReadAttributes).toContain('custom:stores');
    expect(client.WriteAttributes).not.toContain('custom:stores');
    expect(text(client.CallbackURLs)).toContain('/store/');
    expect(text(client.CallbackURLs)).toContain('/merchandiser/');
  });
});

describe('the pages: CloudFront with origin access control, a private bucket', () => {
  it('CloudFront reads the bucket through origin access control only, over HTTPS', () => {
    const oac = one(api, 'AWS::CloudFront::OriginAccessControl').OriginAccessControlConfig;
    expect(oac).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always' });
    const dist = one(api, 'AWS::CloudFront::Distribution').DistributionConfig as Record<
      string,
      never
    >;
    const origins = dist.Origins as unknown as Array<Record<string, unknown>>;
    expect(origins).toHaveLength(1);
    expect(origins[0]!.OriginAccessControlId).toBeDefined();
    expect(origins[0]!.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(dist.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      ResponseHeadersPolicyId: expect.anything(),
    });
    expect(dist.DefaultRootObject).toBe('index.html');
    expect(dist.Logging).toMatchObject({ Prefix: 'cloudfront/' });
  });

  it('the bucket is private: public access blocked, TLS only, encrypted, read by CloudFront alone', () => {
    const buckets = api.findResources('AWS::S3::Bucket');
    const [pagesId, pages] = Object.entries(buckets).find(([id]) => id.startsWith('PagesBucket'))!;
    expect(pages.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: expect.anything(),
      LoggingConfiguration: expect.objectContaining({ LogFilePrefix: 'pages-bucket/' }),
    });
    const policy = Object.values(api.findResources('AWS::S3::BucketPolicy')).find(
      (p) => text(p.Properties.Bucket) === text({ Ref: pagesId }),
    )!;
    const statements = policy.Properties.PolicyDocument.Statement as Array<Record<string, never>>;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Action: 's3:GetObject',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
    });
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('serves security headers: a strict CSP, HSTS, nosniff, no framing, no referrer', () => {
    const config = one(api, 'AWS::CloudFront::ResponseHeadersPolicy')
      .ResponseHeadersPolicyConfig as Record<string, never>;
    const security = config.SecurityHeadersConfig as unknown as Record<
      string,
      Record<string, unknown>
    >;
    const csp = text(security.ContentSecurityPolicy!.ContentSecurityPolicy);
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "object-src 'none'",
    ])
      expect(csp).toContain(directive);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    // connect-src names this API and the hosted UI, nothing else.
    expect(csp).toMatch(
      /connect-src 'self' ",\{"Fn::GetAtt":\["HttpApi[A-F0-9]+","ApiEndpoint"\]\}," https:\/\//,
    );
    expect(csp).toContain('amazoncognito.com');
    expect(security.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 63072000,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    expect(security.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(security.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
  });

  it('deploys the pages and a config.json naming the API, the hosted UI and the client', () => {
    const deploy = Object.values(api.findResources('Custom::CDKBucketDeployment'));
    expect(deploy).toHaveLength(1);
    expect(text(deploy[0]!.Properties.DistributionPaths)).toBe('["/*"]');
    api.hasOutput('PagesUrl', Match.anyValue());
  });

  it('a custom domain and certificate from context: TLS 1.2 policy, exact CORS origin', () => {
    const custom = buildApp({
      context: { pagesDomain: 'stores.example.com', pagesCertificateArn: CERT },
    });
    const t = Template.fromStack(custom.api);
    const dist = one(t, 'AWS::CloudFront::Distribution').DistributionConfig as Record<
      string,
      never
    >;
    expect(dist.Aliases).toEqual(['stores.example.com']);
    expect(dist.ViewerCertificate).toMatchObject({
      AcmCertificateArn: CERT,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    const cors = one(t, 'AWS::ApiGatewayV2::Api').CorsConfiguration as Record<string, unknown>;
    expect(cors.AllowOrigins).toEqual(['https://stores.example.com']);
    expect(text(one(t, 'AWS::Cognito::UserPoolClient').CallbackURLs)).toContain(
      'https://stores.example.com/store/',
    );
    expect(() => buildApp({ context: { pagesDomain: 'stores.example.com' } })).toThrow(
      /go together/,
    );
  });
});
