import { CaptureMode, DataCaptureLocation, DataCaptureOptions } from '../data-capture';
import { DEFAULT_CAPTURE_PREFIX, EndpointStorage } from './outputs';

/**
 * Where the endpoint's data capture lands (the same bucket, prefix and key `renderDataCapture`
 * renders), for the drift monitor. Internal.
 */
export function captureLocationOf(dc: DataCaptureOptions | undefined, storage: EndpointStorage): DataCaptureLocation | undefined {
  if (!dc) { return undefined; }
  return {
    bucket: (dc.bucket ?? storage.outputBucket)!,
    prefix: dc.prefix ?? DEFAULT_CAPTURE_PREFIX,
    encryptionKey: dc.encryptionKey ?? storage.encryptionKey,
    captureModes: [...new Set(dc.captureModes ?? [CaptureMode.INPUT, CaptureMode.OUTPUT])],
    samplingPercent: dc.samplingPercent,
  };
}
