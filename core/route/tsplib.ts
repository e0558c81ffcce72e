// TSPLIB instances (EUC_2D, GEO, ATT) with distances exactly as TSPLIB defines them.
import { matrixFrom, type DistanceMatrix } from './tsp.ts';

export interface TsplibInstance { name: string; type: 'EUC_2D' | 'GEO' | 'ATT'; coords: Array<[number, number]> }

export function parseTsplib(text: string): TsplibInstance {
  const lines = text.split(/\r?\n/);
  let name = '';
  let type = '';
  const coords: Array<[number, number]> = [];
  let inCoords = false;
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (inCoords) {
      if (line === 'EOF' || /^[A-Z_]+/.test(line)) { inCoords = false; if (line === 'EOF') break; continue; }
      const parts = line.split(/\s+/).map(Number);
      if (parts.length < 3 || parts.some((x) => !Number.isFinite(x))) throw new Error(`TSPLIB: bad coordinate line "${line}"`);
      coords.push([parts[1], parts[2]]);
      continue;
    }
    const m = /^([A-Z_]+)\s*:?\s*(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'NAME') name = m[2].trim();
    else if (m[1] === 'EDGE_WEIGHT_TYPE') type = m[2].trim();
    else if (m[1] === 'NODE_COORD_SECTION') inCoords = true;
  }
  if (type !== 'EUC_2D' && type !== 'GEO' && type !== 'ATT') throw new Error(`TSPLIB: EDGE_WEIGHT_TYPE ${type || '(none)'} is not supported (EUC_2D, GEO, ATT)`);
  if (coords.length < 2) throw new Error('TSPLIB: no NODE_COORD_SECTION');
  return { name, type, coords };
}

const nint = (x: number) => Math.floor(x + 0.5);

function geoRad(x: number): number {
  const PI = 3.141592;
  const deg = Math.trunc(x);
  const min = x - deg;
  return (PI * (deg + (5.0 * min) / 3.0)) / 180.0;
}

export function tsplibDistance(type: TsplibInstance['type']): (a: [number, number], b: [number, number]) => number {
  switch (type) {
    case 'EUC_2D': return (a, b) => nint(Math.hypot(a[0] - b[0], a[1] - b[1]));
    case 'ATT': return (a, b) => {
      const r = Math.sqrt(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) / 10.0);
      const t = nint(r);
      return t < r ? t + 1 : t;
    };
    case 'GEO': return (a, b) => {
      const RRR = 6378.388;
      const [lat1, lon1, lat2, lon2] = [geoRad(a[0]), geoRad(a[1]), geoRad(b[0]), geoRad(b[1])];
      const q1 = Math.cos(lon1 - lon2);
      const q2 = Math.cos(lat1 - lat2);
      const q3 = Math.cos(lat1 + lat2);
      return Math.trunc(RRR * Math.acos(0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3)) + 1.0);
    };
  }
}

export function tsplibMatrix(inst: TsplibInstance): DistanceMatrix {
  const dist = tsplibDistance(inst.type);
  return matrixFrom(inst.coords.length, (i, j) => dist(inst.coords[i], inst.coords[j]));
}
