// The demo sign-ins, one per role: listed in the README, printed by `npm start`, used by the
// browser tests. The generator gives them their dealers and regions.
import type { Role } from '../db/schema.ts';

export const DEMO_PASSWORD = 'Demo-2026!';

export interface DemoUser { email: string; role: Role; name: string; password: string }

export const DEMO_USERS: readonly DemoUser[] = [
  { email: 'hq@demo.test', role: 'hq_admin', name: 'Hana Quist', password: DEMO_PASSWORD },
  { email: 'manager@demo.test', role: 'regional_manager', name: 'Mara Nord', password: DEMO_PASSWORD },
  { email: 'analyst@demo.test', role: 'analyst', name: 'Ana Lyst', password: DEMO_PASSWORD },
  { email: 'rep@demo.test', role: 'field_rep', name: 'Rene Petersen', password: DEMO_PASSWORD },
  { email: 'dealer@demo.test', role: 'dealer_admin', name: 'Dana Ehler', password: DEMO_PASSWORD },
  { email: 'staff@demo.test', role: 'dealer_staff', name: 'Stef Aff', password: DEMO_PASSWORD },
  { email: 'supplier@demo.test', role: 'supplier', name: 'Sam Plier', password: DEMO_PASSWORD },
];
