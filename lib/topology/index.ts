export { HybridTopology } from './hybrid-topology';
export type {
  AddLaneOptions, FrontDoorSummary, HybridTopologyProps, LaneSummary, TopologyFrontDoorProps,
} from './hybrid-topology';
