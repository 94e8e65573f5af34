import { Aws, CfnMapping, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { invalid } from '../../core/private/errors';

/**
 * The Model Monitor analyzer image (`sagemaker-model-monitor-analyzer`) per Region. Internal.
 *
 * The image lives in an AWS-owned account that differs per Region. Source: the SageMaker Python
 * SDK's `image_uri_config/model-monitor.json` (the map `image_uris.retrieve('model-monitor', region)`
 * reads, 20 Regions), mirrored in the SageMaker "Docker registry paths" pages. Regions not listed: pass
 * `imageUri`.
 */
export const ANALYZER_REPOSITORY = 'sagemaker-model-monitor-analyzer';

export const ANALYZER_ACCOUNTS: { readonly [region: string]: string } = {
  'ap-east-1': '001633400207',
  'ap-northeast-1': '574779866223',
  'ap-northeast-2': '709848358524',
  'ap-south-1': '126357580389',
  'ap-southeast-1': '245545462676',
  'ap-southeast-2': '563025443158',
  'ca-central-1': '536280801234',
  'cn-north-1': '453000072557',
  'cn-northwest-1': '453252182341',
  'eu-central-1': '048819808253',
  'eu-north-1': '895015795356',
  'eu-west-1': '468650794304',
  'eu-west-2': '749857270468',
  'eu-west-3': '680080141114',
  'me-south-1': '607024016150',
  'sa-east-1': '539772159869',
  'us-east-1': '156813124566',
  'us-east-2': '777275614652',
  'us-west-1': '890145073186',
  'us-west-2': '159807026194',
};

/** The analyzer image and the ECR repository ARN the job role pulls it from. */
export interface AnalyzerImage {
  readonly imageUri: string;
  /** Undefined when the user passed `imageUri` (the repository is theirs to authorize). */
  readonly repositoryArn?: string;
}

/**
 * The default analyzer image of the stack's Region. A concrete Region not in the map is rejected;
 * an environment-agnostic stack gets a `CfnMapping` over the known Regions (`Fn::FindInMap` on
 * `AWS::Region`, which fails the deployment in a Region that is not listed).
 */
export function analyzerImage(scope: Construct, imageUri: string | undefined): AnalyzerImage {
  if (imageUri !== undefined) {
    if (!Token.isUnresolved(imageUri) && !/^[^\s]{1,255}$/.test(imageUri)) {
      throw invalid(scope, 'imageUri', imageUri, 'is not an image URI of at most 255 characters (ImageUri)', 'Pass <account>.dkr.ecr.<region>.amazonaws.com/sagemaker-model-monitor-analyzer, or omit it for the Region\'s default.');
    }
    return { imageUri };
  }
  const stack = Stack.of(scope);
  const region = stack.region;
  let account: string;
  if (Token.isUnresolved(region)) {
    const mapping = new CfnMapping(stack, 'ModelMonitorAnalyzerAccounts', {
      mapping: Object.fromEntries(Object.entries(ANALYZER_ACCOUNTS).map(([r, a]) => [r, { account: a }])),
    });
    account = mapping.findInMap(Aws.REGION, 'account');
  } else {
    const known = ANALYZER_ACCOUNTS[region];
    if (known === undefined) {
      throw invalid(scope, 'imageUri', undefined, `has no default in Region ${region} (the Model Monitor analyzer image account is not known to this library)`,
        `Pass imageUri: '<account>.dkr.ecr.${region}.amazonaws.com/${ANALYZER_REPOSITORY}' with the account listed for ${region} in the SageMaker "Docker registry paths" documentation. Known Regions: ${Object.keys(ANALYZER_ACCOUNTS).join(', ')}.`);
    }
    account = known;
  }
  return {
    imageUri: `${account}.dkr.ecr.${region}.${stack.urlSuffix}/${ANALYZER_REPOSITORY}`,
    repositoryArn: stack.formatArn({ service: 'ecr', account, resource: 'repository', resourceName: ANALYZER_REPOSITORY }),
  };
}
