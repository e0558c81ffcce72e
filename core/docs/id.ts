// A document's id says what it is and whose it is, because documents are born offline and the
// server must decide who may reach one before it has ever seen it:
//
//   order.<dealerId>.<uid>             ticket.<dealerId>.<uid>
//   visit.<repId>~<dealerId>.<uid>     form.<dealerId>.<uid>  or  form.<repId>~<dealerId>.<uid>
//
// Only RFC 3986 unreserved characters are used (letters, digits, - _ . ~), so an id goes into a
// URL path, an IndexedDB store name and a Durable Object name unescaped. '.' separates the three
// parts and '~' the rep from the dealer, so neither may appear inside a part. A form is the
// rep's when a rep fills it on a visit and the dealer's when a dealer answers a survey.
// The id is a claim, not a proof: the server checks the scope it names against D1 before it lets
// anyone reach or create the document.
export const DOC_KINDS = ['order', 'visit', 'form', 'ticket'] as const;
export type DocKind = (typeof DOC_KINDS)[number];

export interface DocId {
  kind: DocKind;
  dealerId: string;
  // The rep a visit (or a rep's form) belongs to; null for what belongs to the dealer alone.
  repId: string | null;
  uid: string;
  id: string;
}

export const MAX_DOC_ID_LENGTH = 200;
const PART = /^[A-Za-z0-9_-]{1,64}$/;
// At least 8 characters so ids made on different devices do not collide by accident.
const UID = /^[A-Za-z0-9_-]{8,64}$/;

// Who an id must, may or must not name besides the dealer.
const REP: Record<DocKind, 'required' | 'optional' | 'forbidden'> = { order: 'forbidden', ticket: 'forbidden', visit: 'required', form: 'optional' };

export class DocIdError extends Error {
  override name = 'DocIdError';
}

export const isDocKind = (v: unknown): v is DocKind => typeof v === 'string' && (DOC_KINDS as readonly string[]).includes(v);

export function makeDocId(kind: DocKind, owner: { dealerId: string; repId?: string | null }, uid: string): string {
  if (!isDocKind(kind)) throw new DocIdError(`Unknown document kind "${String(kind)}"`);
  const repId = owner.repId ?? null;
  const id = repId === null ? `${kind}.${owner.dealerId}.${uid}` : `${kind}.${repId}~${owner.dealerId}.${uid}`;
  // Parsing what was built is the one place the rules live, so making and reading never drift.
  parseDocId(id);
  return id;
}

export function parseDocId(id: string): DocId {
  if (typeof id !== 'string' || id.length === 0) throw new DocIdError('A document id is a non-empty string');
  if (id.length > MAX_DOC_ID_LENGTH) throw new DocIdError(`A document id is at most ${MAX_DOC_ID_LENGTH} characters`);
  const parts = id.split('.');
  if (parts.length !== 3) throw new DocIdError('A document id has three parts separated by ".": kind, owner and a unique id');
  const [kind, owner, uid] = parts;
  if (!isDocKind(kind)) throw new DocIdError(`Unknown document kind "${kind.slice(0, 20)}"`);
  if (!UID.test(uid)) throw new DocIdError('The unique part of a document id is 8 to 64 letters, digits, "-" or "_"');
  const halves = owner.split('~');
  if (halves.length > 2) throw new DocIdError('The owner part of a document id is <dealerId> or <repId>~<dealerId>');
  const [repId, dealerId] = halves.length === 2 ? [halves[0], halves[1]] : [null, halves[0]];
  if (!PART.test(dealerId)) throw new DocIdError('The dealer in a document id is 1 to 64 letters, digits, "-" or "_"');
  if (repId !== null && !PART.test(repId)) throw new DocIdError('The rep in a document id is 1 to 64 letters, digits, "-" or "_"');
  if (REP[kind] === 'required' && repId === null) throw new DocIdError(`A ${kind} id names its rep and dealer as <repId>~<dealerId>`);
  if (REP[kind] === 'forbidden' && repId !== null) throw new DocIdError(`A ${kind} belongs to a dealer: its id names no rep`);
  return { kind, dealerId, repId, uid, id };
}

export function tryParseDocId(id: string): DocId | null {
  try { return parseDocId(id); } catch { return null; }
}

// 96 random bits: collisions between devices are not a practical concern.
export function newUid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
