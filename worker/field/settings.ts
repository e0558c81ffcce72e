import { sql } from 'drizzle-orm';
import { DEFAULT_FIELD_SETTINGS, type FieldSettings } from '../../core/field/checkin.ts';
import type { Db } from '../../server/db.ts';

// The organisation's field settings, found through the user (one organisation per user).
export async function fieldSettings(db: Db, userId: string): Promise<FieldSettings> {
  const rows = await db.all<FieldSettings>(sql`select o.checkin_radius_m as radiusM, o.checkin_max_accuracy_m as maxAccuracyM, o.late_after_min as lateAfterMin
    from users u join organisations o on o.id = u.org_id where u.id = ${userId}`);
  return rows[0] ?? DEFAULT_FIELD_SETTINGS;
}
