// The server's writes into an order document: the decision on a submitted order and an
// approver's verdict. They change a copy of the document; the room stores and broadcasts the
// difference as a server update, like any other change, so every replica sees each step.
import * as Y from 'yjs';
import type { Json } from '../core/docs/schema.ts';
import { body } from '../core/docs/schema.ts';
import type { ApprovalLevel, Decision } from '../core/orders/approval.ts';

const history = (doc: Y.Doc) => body(doc, 'order').get('statusHistory') as Y.Array<Json>;

// Which submission an approval belongs to: an order sent back and submitted again is decided again.
export const submissionCount = (doc: Y.Doc) => (history(doc).toArray() as Array<{ status?: string }>).filter((h) => h?.status === 'submitted').length;

export function needsDecision(doc: Y.Doc): boolean {
  const b = body(doc, 'order');
  const approval = b.get('approval') as { forSubmission?: number } | undefined;
  return b.get('status') === 'submitted' && approval?.forSubmission !== submissionCount(doc);
}

function setStatus(doc: Y.Doc, status: string, by: string, role: string, at: string, note?: string) {
  const b = body(doc, 'order');
  if (b.get('status') !== status) b.set('status', status);
  history(doc).push([{ status, by, role, at, ...(note ? { note } : {}) }]);
}

export function writeDecision(doc: Y.Doc, d: Decision, at: string): void {
  const b = body(doc, 'order');
  const forSubmission = submissionCount(doc);
  doc.transact(() => {
    if (d.kind === 'returned') {
      b.set('approval', { state: 'returned', problems: d.problems, at, forSubmission });
      setStatus(doc, 'draft', 'server', 'server', at, d.problems.join(' '));
      return;
    }
    const lines = b.get('lines') as Y.Map<Record<string, Json>>;
    for (const [lineId, price] of Object.entries(d.prices)) {
      const line = lines.get(lineId);
      if (line && line.unitPrice !== price) lines.set(lineId, { ...line, unitPrice: price });
    }
    b.set('total', d.total);
    b.set('creditCheck', { ...d.credit, at });
    const o = d.outcome;
    if (o.status === 'approved') {
      b.set('approval', { state: 'approved', by: 'auto', at, forSubmission });
      setStatus(doc, 'approved', 'server', 'server', at, 'Approved automatically');
    } else if (o.status === 'held') {
      b.set('approval', { state: 'held', level: o.level, reason: o.reason, at, forSubmission });
      setStatus(doc, 'held', 'server', 'server', at, o.reason);
    } else {
      b.set('approval', { state: 'pending', level: o.level, ...(o.approverDealerId ? { approverDealerId: o.approverDealerId } : {}), at, forSubmission });
    }
  }, 'server');
}

export interface Verdict { decision: 'approve' | 'reject'; comment: string; by: string; byName: string; role: string; dealerId: string | null }

// An approver's verdict on an order waiting for them; null when it is not theirs to decide.
export function writeVerdict(doc: Y.Doc, v: Verdict, at: string, mayDecide: (who: { role: string; dealerId: string | null }, level: ApprovalLevel, approverDealerId?: string | null) => boolean): string | null {
  const b = body(doc, 'order');
  const approval = b.get('approval') as { state?: string; level?: ApprovalLevel; approverDealerId?: string; forSubmission?: number } | undefined;
  const status = b.get('status');
  if (!approval || !(approval.state === 'pending' || approval.state === 'held') || !(status === 'submitted' || status === 'held')) return 'This order is not waiting for a decision.';
  if (!approval.level || !mayDecide({ role: v.role, dealerId: v.dealerId }, approval.level, approval.approverDealerId)) return 'This order needs a decision from someone else.';
  doc.transact(() => {
    const state = v.decision === 'approve' ? 'approved' : 'rejected';
    b.set('approval', { ...approval, state, by: v.by, byName: v.byName, role: v.role, comment: v.comment, at });
    setStatus(doc, state, v.by, v.role, at, v.comment || undefined);
  }, 'server');
  return null;
}
