/**
 * How the model container hosts the artifact.
 */
export enum ModelHosting {
  /** One model per container (a `model.tar.gz`, or an uncompressed object or prefix). */
  SINGLE_MODEL = 'SingleModel',
  /**
   * Many models behind one endpoint, loaded on demand from an S3 prefix (`TargetModel` picks one per
   * request). Needs a multi-model capable container.
   */
  MULTI_MODEL = 'MultiModel',
}
