import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  ClientAttributes,
  OAuthScope,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  type IUserPool,
} from 'aws-cdk-lib/aws-cognito';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { STORES_ATTRIBUTE } from '../../shared/auth/groups.ts';
import { acknowledge } from '../nag.ts';

/** The pages people open (`shared/web/<page>/`): the hosted UI sends them back to these. */
export const PAGE_PATHS = ['/store/', '/merchandiser/', '/operator/'] as const;

export interface PagesHostingProps {
  /** The folder deployed as the site (`shared/web/`). */
  readonly pagesDir: string;
  /** The HTTP API's endpoint (`https://<id>.execute-api.<region>.amazonaws.com`). */
  readonly apiEndpoint: string;
  readonly userPool: IUserPool;
  /** The hosted UI's base URL (`https://<prefix>.auth.<region>.amazoncognito.com`). */
  readonly hostedUiUrl: string;
  /** A custom domain for the pages, with its ACM certificate (us-east-1); else CloudFront's. */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
}

/** Rewrites `/store/` to `/store/index.html` (S3 has no directory index behind OAC). */
const INDEX_REWRITE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith('/')) request.uri = uri + 'index.html';
  else if (uri.lastIndexOf('.') < uri.lastIndexOf('/'))
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: uri + '/' } } };
  return request;
}`;

/** The Content-Security-Policy of every page: only the site, the API and the hosted UI. */
export function pagesCsp(apiEndpoint: string, hostedUiUrl: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${apiEndpoint} ${hostedUiUrl}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * The OMS pages on AWS: `shared/web/` as static files in a private S3 bucket (no public access,
 * TLS only, SSE-S3, access logs) that only CloudFront reads (origin access control), served over
 * HTTPS with security headers (a strict CSP, HSTS, nosniff, frame denial, no referrer), with
 * access logs. People sign in through the user pool's hosted UI with the authorization-code flow
 * and PKCE: a public app client (no secret) that may not write `custom:stores`. The deployment
 * writes `/config.json` (API endpoint, hosted UI, client id), which the pages read.
 */
export class PagesHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly client: UserPoolClient;
  /** `https://<domain>` the pages are served at. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: PagesHostingProps) {
    super(scope, id);
    const logs = new Bucket(this, 'Logs', {
      // CloudFront's standard logs are written with ACLs.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'expire-logs', expiration: Duration.days(365) }],
    });
    acknowledge(
      logs,
      'AwsSolutions-S1',
      'This bucket receives the pages bucket’s server access logs and CloudFront’s standard logs; logging it into itself would loop, and it is private, TLS-only and encrypted.',
    );
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'pages-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'OMS pages: strict CSP, HSTS, nosniff, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: pagesCsp(props.apiEndpoint, props.hostedUiUrl),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          {
            header: 'Permissions-Policy',
            value: 'camera=(), microphone=(), geolocation=(), payment=()',
            override: true,
          },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });
    const index = new CloudFrontFunction(this, 'IndexRewrite', {
      code: FunctionCode.fromInline(INDEX_REWRITE),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'directory index for the OMS pages',
    });

    const custom = props.customDomain;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'OMS pages (store fulfilment, purchase orders, operator console)',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: index, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      ...(custom
        ? {
            domainNames: [custom.domainName],
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
            certificate: Certificate.fromCertificateArn(this, 'Certificate', custom.certificateArn),
          }
        : {}),
    });
    if (!custom) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR4',
        'Without a custom domain CloudFront serves its own *.cloudfront.net certificate, whose policy it fixes; HTTPS is enforced (HTTP redirects). Pass -c pagesDomain=… -c pagesCertificateArn=… for TLSv1.2_2021.',
      );
    }
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR1',
      'Store associates and merchandisers work where the retailer has stores; a country allow-list would lock out travelling staff, and every page needs a Cognito sign-in with MFA anyway.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR2',
      'The distribution serves static files only (GET/HEAD, no origin compute); the HTTP API behind the pages has its own throttling and JWT authorizer. A WAF web ACL can be attached when the retailer runs one.',
    );
    this.url = `https://${custom ? custom.domainName : this.distribution.distributionDomainName}`;

    const redirects = PAGE_PATHS.flatMap((p) => [`${this.url}${p}`, `${this.url}${p}index.html`]);
    this.client = new UserPoolClient(this, 'PagesClient', {
      userPool: props.userPool,
      userPoolClientName: 'oms-pages',
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: redirects,
        logoutUrls: redirects,
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, preferredUsername: true })
        .withCustomAttributes(STORES_ATTRIBUTE),
      // Never custom:stores: which stores a person acts for is an administrator's decision.
      writeAttributes: new ClientAttributes().withStandardAttributes({ preferredUsername: true }),
    });

    new BucketDeployment(this, 'Deploy', {
      sources: [
        Source.asset(props.pagesDir),
        Source.jsonData('config.json', {
          apiUrl: props.apiEndpoint,
          auth: {
            kind: 'cognito',
            domain: props.hostedUiUrl,
            clientId: this.client.userPoolClientId,
          },
        }),
      ],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      cacheControl: [CacheControl.noCache()],
      memoryLimit: 256,
    });
  }
}
