export {
  CostClarity, DataLocality, LatencyClass, PlanningQuestion, TeamMaturity, TrafficShape, WorkloadKind,
} from './questionnaire';
export type { LaneQuestionnaire } from './questionnaire';
export { HybridRole, LaneChooser, TradeOffAspect } from './lane-chooser';
export type {
  HybridPart, HybridSuggestion, LaneFactor, LaneRecommendation, LaneTradeOff, RankedLane, UnmetConstraint,
} from './lane-chooser';
export { CostMath } from './cost-math';
export { CapacityPlanner, SurgeHandling } from './capacity-planner';
export type { CapacityPlan, CapacityPlannerProps, StagingLoad, TrafficProfile } from './capacity-planner';
