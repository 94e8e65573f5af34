export * from './questionnaire';
export * from './lane-chooser';
export * from './cost-math';
export * from './capacity-planner';
