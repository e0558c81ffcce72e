export { matrixFrom, solveTsp, tourLength, type DistanceMatrix, type TspOptions } from './tsp.ts';
export { parseTsplib, tsplibDistance, tsplibMatrix, type TsplibInstance } from './tsplib.ts';
export { haversineKm, planDay, PlanInputError, validatePlanInput, type PlanInput, type PlanResult, type PlanStop, type PlannedStop } from './plan.ts';
