/**
 * How a new model version takes over traffic on Kubernetes.
 *
 * | mode | strategies | automatic rollback | shadow |
 * |---|---|---|---|
 * | `ROLLING_UPDATE` | `Rollout.allAtOnce({ autoRollback: false })` or none | no (readiness gates only) | yes, with a gateway |
 * | `GATEWAY_API` | `Rollout.canary` (a fixed weight) | no: set `autoRollback: false` | yes |
 * | `ARGO_ROLLOUTS` | all-at-once, canary, linear | yes, Argo AnalysisTemplate on the SLO | yes, with a gateway |
 */
export enum KubernetesRolloutMode {
  /**
   * A Deployment rolling update: pods are replaced as the new ones become ready. No traffic weights,
   * no rollback on the SLO.
   */
  ROLLING_UPDATE = 'ROLLING_UPDATE',

  /**
   * Gateway API: a stable and a canary Deployment behind one HTTPRoute whose weighted `backendRefs`
   * split traffic `(100 - percent) : percent`. The weight is static — promotion and rollback are an
   * edit of the app (there is no controller to watch the SLO).
   */
  GATEWAY_API = 'GATEWAY_API',

  /**
   * Argo Rollouts: a Rollout (referencing the Deployment as its pod template) with `setWeight` /
   * `pause` steps and a background analysis on the SLO that aborts and rolls back. Traffic is split
   * by the Gateway API plugin when a gateway is given, otherwise by replica counts. Needs the Argo
   * Rollouts controller (and its `argoproj-labs/gatewayAPI` plugin for gateway routing).
   */
  ARGO_ROLLOUTS = 'ARGO_ROLLOUTS',
}
