// The route optimiser off the main thread, so a 150-stop day never freezes the screen.
import { planDay, PlanInputError, type PlanInput } from '../../core/route/plan.ts';

const scope = self as unknown as { onmessage: ((e: MessageEvent<{ id: number; input: PlanInput }>) => void) | null; postMessage(m: unknown): void };

scope.onmessage = (e) => {
  const { id, input } = e.data;
  try {
    scope.postMessage({ id, result: planDay(input) });
  } catch (err) {
    scope.postMessage({ id, error: err instanceof PlanInputError ? `${err.field}: ${err.message}` : (err as Error).message });
  }
};
