export type { ServedModel } from './served-model';
export { KubernetesRolloutMode } from './rollout-mode';
export { KubernetesScalingEngine } from './scaling-engine';
export { WorkloadIdentity } from './workload-identity';
export { TritonInstanceKind, TritonModelConfig } from './triton-model-config';
export type { TritonModelConfigProps, TritonTensor } from './triton-model-config';
export type { ScalingBehavior, ScalingBehaviorPolicy, ScalingBehaviorRules } from './scaling-behavior';
export type { ServingMetricQueries } from './serving-metric-queries';
export { KedaScaledObject } from './keda-scaled-object';
export type {
  KedaAdvancedConfig, KedaAuthenticationRef, KedaFallback, KedaHorizontalPodAutoscalerConfig, KedaScaleTargetRef,
  KedaScaledObjectProps, KedaScaledObjectSpec, KedaTrigger,
} from './keda-scaled-object';
export { KedaTriggerAuthentication } from './keda-trigger-authentication';
export type {
  KedaPodIdentity, KedaTriggerAuthenticationProps, KedaTriggerAuthenticationSpec,
} from './keda-trigger-authentication';
export { GatewayHttpRoute } from './gateway-http-route';
export type {
  GatewayHttpRouteProps, GatewayParentRef, HttpBackendRef, HttpMirrorBackendRef, HttpPathMatch,
  HttpRequestMirror, HttpRouteFilter, HttpRouteMatch, HttpRouteRule, HttpRouteSpec,
} from './gateway-http-route';
export { ArgoRollout } from './argo-rollout';
export type {
  ArgoAnalysisArgument, ArgoAnalysisTemplateRef, ArgoArgumentValueFrom, ArgoBackgroundAnalysis, ArgoCanaryStep,
  ArgoCanaryStrategy, ArgoPause, ArgoRolloutProps, ArgoRolloutSpec, ArgoRolloutStrategy, ArgoTrafficRouting,
  ArgoWorkloadRef,
} from './argo-rollout';
export { ArgoAnalysisTemplate } from './argo-analysis-template';
export type {
  ArgoAnalysisMetric, ArgoAnalysisTemplateProps, ArgoAnalysisTemplateSpec, ArgoMetricProvider,
  ArgoPrometheusProvider, ArgoTemplateArgument,
} from './argo-analysis-template';
export { ServiceMonitor } from './service-monitor';
export type {
  MatchLabelsSelector, ServiceMonitorEndpoint, ServiceMonitorProps, ServiceMonitorSpec,
} from './service-monitor';
export { PrometheusRule } from './prometheus-rule';
export type {
  PrometheusAlertRule, PrometheusRuleGroup, PrometheusRuleProps, PrometheusRuleSpec,
} from './prometheus-rule';
export type { GpuServingOptions, GpuToleration } from './gpu-serving-options';
export { ModelServer } from './model-server';
export type { ModelServerProps } from './model-server';
export { ServingAutoscaler } from './serving-autoscaler';
export type { ServingAutoscalerProps } from './serving-autoscaler';
export { GpuServingChart } from './gpu-serving-chart';
export type { GpuServingChartProps } from './gpu-serving-chart';
export type { GpuNodeGroupOptions } from './gpu-node-group-options';
export { GpuClusterService } from './gpu-cluster-service';
export type { GpuClusterServiceProps } from './gpu-cluster-service';
