// A document's id says what it is and whose it is, because documents are born offline:
//   order.<dealerId>.<uid>      ticket.<dealerId>.<uid>
//   visit.<repId>~<dealerId>.<uid>   form.<repId>~<dealerId>.<uid>
// The server checks the named scope against D1 before it lets anyone reach or create it.
export const DOC_KINDS = ['order', 'visit', 'form', 'ticket'] as const;
export type DocKind = (typeof DOC_KINDS)[number];

export interface DocId { kind: DocKind; dealerId: string; repId: string | null; uid: string; id: string }

const PART = /^[A-Za-z0-9_-]{1,64}$/;
const UID = /^[A-Za-z0-9_-]{8,64}$/;
const REP_OWNED: ReadonlySet<DocKind> = new Set(['visit', 'form']);

export class DocIdError extends Error {}

export function makeDocId(kind: DocKind, owner: { dealerId: string; repId?: string | null }, uid: string): string {
  const id = REP_OWNED.has(kind) ? `${kind}.${owner.repId}~${owner.dealerId}.${uid}` : `${kind}.${owner.dealerId}.${uid}`;
  parseDocId(id);
  return id;
}

export function parseDocId(id: string): DocId {
  if (typeof id !== 'string' || id.length > 200) throw new DocIdError('A document id is at most 200 characters');
  const parts = id.split('.');
  if (parts.length !== 3) throw new DocIdError('A document id has three parts: kind, owner and a unique id');
  const [kind, owner, uid] = parts;
  if (!(DOC_KINDS as readonly string[]).includes(kind)) throw new DocIdError(`Unknown document kind "${kind}"`);
  if (!UID.test(uid)) throw new DocIdError('The unique part of a document id is 8 to 64 letters, digits, - or _');
  const k = kind as DocKind;
  if (REP_OWNED.has(k)) {
    const [repId, dealerId, extra] = owner.split('~');
    if (extra !== undefined || !PART.test(repId ?? '') || !PART.test(dealerId ?? '')) throw new DocIdError(`A ${k} id names its rep and dealer as <repId>~<dealerId>`);
    return { kind: k, repId, dealerId, uid, id };
  }
  if (!PART.test(owner)) throw new DocIdError(`A ${k} id names its dealer`);
  return { kind: k, dealerId: owner, repId: null, uid, id };
}

export function newUid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
