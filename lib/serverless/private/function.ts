import { Annotations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as signer from 'aws-cdk-lib/aws-signer';
import { Construct } from 'constructs';
import type { WarmServerlessFunctionProps } from '../warm-serverless-function';
import { tagOrDigestOf } from '../../core/private/image-uri';
import { checkImageTag, checkRegion, imageAccountOf, imageCodeFor, renderedImageOf, warnIfOtherAccount } from './function-code';
import { ResolvedProps } from './resolve-props';
import { Security } from './security';
import { ModelArtifactBinding } from '../../core/model-artifact';

/** The function and, with code signing, its profile and config. @internal */
export interface BuiltFunction {
  readonly fn: lambda.Function;
  readonly signingProfile?: signer.ISigningProfile;
  readonly codeSigningConfig?: lambda.ICodeSigningConfig;
}

/**
 * `SigningProfile` + `CodeSigningConfig` (ENFORCE) when asked, then the function (`Resource`): a
 * container function from the artifact's ECR image, a user image (its Region and tag checked from the
 * rendered URI), or a zip package; JSON logs to the lane's log group, environment encrypted with the
 * lane key, reserved concurrency.
 * @internal
 */
export function buildFunction(scope: Construct, props: WarmServerlessFunctionProps, r: ResolvedProps, sec: Security, b: ModelArtifactBinding, environment: { [key: string]: string }): BuiltFunction {
  let signingProfile: signer.ISigningProfile | undefined;
  let codeSigningConfig: lambda.ICodeSigningConfig | undefined;
  if (r.wantsSigning) {
    signingProfile = props.signingProfile ?? new signer.SigningProfile(scope, 'SigningProfile', { platform: signer.Platform.AWS_LAMBDA_SHA384_ECDSA });
    codeSigningConfig = new lambda.CodeSigningConfig(scope, 'CodeSigningConfig', {
      signingProfiles: [signingProfile],
      untrustedArtifactOnDeployment: lambda.UntrustedArtifactOnDeployment.ENFORCE,
      description: `Only code signed by the trusted profile may deploy to ${scope.node.path}`,
    });
  }
  const common = {
    role: sec.role,
    architecture: r.architecture,
    memorySize: r.memoryMiB,
    timeout: r.timeout,
    ephemeralStorageSize: r.ephemeral,
    environment,
    environmentEncryption: sec.key,
    reservedConcurrentExecutions: r.reserved,
    logGroup: sec.logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    description: truncate(`${b.name}@${b.version} (${b.target}, ${b.precision}) warm serverless inference`, 256),
    codeSigningConfig,
    // SnapStart on published versions: the alias always points at a published version (currentVersion).
    snapStart: r.warmMode.isSnapStart ? lambda.SnapStartConf.ON_PUBLISHED_VERSIONS : undefined,
  };
  let fn: lambda.Function;
  if (props.code === undefined) {
    fn = new lambda.DockerImageFunction(scope, 'Resource', { ...common, code: imageCodeFor(scope, b) });
  } else if (r.userImage) {
    fn = new lambda.Function(scope, 'Resource', { ...common, code: props.code, handler: lambda.Handler.FROM_IMAGE, runtime: lambda.Runtime.FROM_IMAGE });
    const image = renderedImageOf(fn);
    if (image) {
      checkImageTag(scope, 'code', tagOrDigestOf(image.uri));
      if (image.region) { checkRegion(scope, 'code', image.uri, image.region); }
      warnIfOtherAccount(scope, 'code', image.uri, imageAccountOf(image.uri));
    }
  } else {
    fn = new lambda.Function(scope, 'Resource', { ...common, code: props.code, handler: props.handler!, runtime: props.runtime! });
  }
  if (r.warmMode.isSnapStart) {
    // aws-cdk-lib warns that SnapStart applies to published versions only: the alias always points at one.
    Annotations.of(fn).acknowledgeWarning('@aws-cdk/aws-lambda:snapStartRequirePublish', 'The lane invokes the alias, which points at the published currentVersion.');
  }
  return { fn, signingProfile, codeSigningConfig };
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}
