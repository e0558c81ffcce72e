export interface DealerSummary {
  id: string; code: string; name: string; type: string; tier: string; status: string; segments: string[];
  regionId: string | null; regionName: string | null; territoryId: string | null; city: string | null;
  country: string | null; lat: number | null; lng: number | null; parentId: string | null;
}
export interface Page<T> { items: T[]; total: number; page: number; pageSize: number }
export interface DealerPoint { id: string; name: string; type: string; tier: string; status: string; lat: number; lng: number }
export interface DealerDetailData {
  dealer: DealerSummary & { address: string | null; phone: string | null; email: string | null; creditLimit: number };
  region: { id: string; code: string; name: string } | null;
  territory: { id: string; code: string; name: string } | null;
  contacts: Array<{ id: string; name: string; role: string | null; email: string | null; phone: string | null; isPrimary: boolean }>;
  parents: DealerSummary[];
  children: DealerSummary[];
  contracts: Array<{ id: string; type: string; startDate: string; endDate: string | null; status: string }>;
  certifications: Array<{ id: string; kind: string; issuedOn: string; expiresOn: string | null }>;
  reps: Array<{ id: string; name: string; email: string }>;
}
