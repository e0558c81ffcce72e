// GPS verification of a check-in or check-out, done on the phone offline and again by the server
// from the dealer's stored location, and the clock check: a phone's own time is recorded but not
// trusted; the offset to the server's clock, measured whenever the phone was online, is kept with
// it so a wrong clock shows up.
import { haversineKm } from '../route/plan.ts';

export interface Position { lat: number; lng: number; accuracy: number }
export interface FieldSettings { radiusM: number; maxAccuracyM: number; lateAfterMin: number }
export const DEFAULT_FIELD_SETTINGS: FieldSettings = { radiusM: 150, maxAccuracyM: 100, lateAfterMin: 15 };

export type PositionProblem = 'outside_radius' | 'inaccurate' | 'no_dealer_location';

export interface Verification { distanceM: number | null; verified: boolean; problem: PositionProblem | null }

export function verifyPosition(pos: Position, dealer: { lat: number | null; lng: number | null }, s: FieldSettings): Verification {
  if (dealer.lat === null || dealer.lng === null) return { distanceM: null, verified: false, problem: 'no_dealer_location' };
  const distanceM = Math.round(haversineKm(pos, { lat: dealer.lat, lng: dealer.lng }) * 1000);
  if (distanceM > s.radiusM) return { distanceM, verified: false, problem: 'outside_radius' };
  if (pos.accuracy > s.maxAccuracyM) return { distanceM, verified: false, problem: 'inaccurate' };
  return { distanceM, verified: true, problem: null };
}

// A phone clock more than this far from the server's is shown as wrong.
export const CLOCK_SKEW_LIMIT_MS = 5 * 60_000;
export const clockIsWrong = (offsetMs: number | null | undefined) => typeof offsetMs === 'number' && Math.abs(offsetMs) > CLOCK_SKEW_LIMIT_MS;

// The best estimate of when something happened: device time corrected by the last known offset.
export const trustedTime = (deviceAt: string, offsetMs: number | null | undefined) =>
  new Date(Date.parse(deviceAt) + (typeof offsetMs === 'number' ? offsetMs : 0)).toISOString();

export const PROBLEM_TEXT: Record<PositionProblem, string> = {
  outside_radius: 'You are outside the dealer\'s check-in radius',
  inaccurate: 'Your position is not accurate enough',
  no_dealer_location: 'This dealer has no location on file',
};
