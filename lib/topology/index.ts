export * from './hybrid-topology';
