import { relationsWith } from '../access/roles.ts';
import { ROLES, type Role } from '../db/schema.ts';
// What the server decides when an order is submitted: every line re-priced from the dealer's
// price list (a price in the document is never trusted), the credit check, and which approval
// it needs under the rules HQ sets. Pure, so the rules are tested without a room or a database.
export interface ApprovalRules {
  // At most this total (cents) and within credit: approved at once.
  autoApproveMax: number;
  // Up to this total the dealer's regional manager approves; above it, HQ.
  managerMax: number;
}
export const DEFAULT_APPROVAL_RULES: ApprovalRules = { autoApproveMax: 100_000, managerMax: 500_000 };

export interface PriceFact { unitPrice: number | null; wholeUnits: boolean; name: string }
export interface OrderFacts {
  prices: Map<string, PriceFact>;
  creditLimit: number;
  // Cents already committed: the dealer's other approved or shipped orders.
  exposure: number;
  rules: ApprovalRules;
  // The parent that takes this dealer's orders itself, if it does.
  networkApprover?: string | null;
}

export const APPROVAL_LEVELS = ['regional_manager', 'hq_admin', 'network'] as const;
export type ApprovalLevel = (typeof APPROVAL_LEVELS)[number];
export type Decision =
  | { kind: 'returned'; problems: string[] }
  | { kind: 'priced'; prices: Record<string, number>; total: number; credit: { limit: number; exposure: number; total: number; ok: boolean };
      outcome: { status: 'approved'; by: 'auto' } | { status: 'held'; reason: string; level: ApprovalLevel } | { status: 'submitted'; level: ApprovalLevel; approverDealerId?: string } };

export interface LineIn { productId: unknown; quantity: unknown }

export function decideOrder(lines: Record<string, LineIn>, facts: OrderFacts): Decision {
  const problems: string[] = [];
  const prices: Record<string, number> = {};
  let total = 0;
  const entries = Object.entries(lines);
  if (!entries.length) problems.push('The order has no lines.');
  for (const [lineId, line] of entries) {
    const fact = typeof line.productId === 'string' ? facts.prices.get(line.productId) : undefined;
    const q = line.quantity;
    if (!fact) { problems.push(`Line ${lineId}: there is no such product.`); continue; }
    if (typeof q !== 'number' || !Number.isFinite(q) || q <= 0) { problems.push(`${fact.name}: the quantity must be more than 0.`); continue; }
    if (fact.wholeUnits && !Number.isInteger(q)) { problems.push(`${fact.name}: order whole units only.`); continue; }
    if (fact.unitPrice === null) { problems.push(`${fact.name}: has no price for this dealer.`); continue; }
    prices[lineId] = fact.unitPrice;
    total += Math.round(fact.unitPrice * q);
  }
  if (problems.length) return { kind: 'returned', problems };
  // An order for a network that runs its own: its parent approves it, whatever the amount.
  if (facts.networkApprover) return { kind: 'priced', prices, total, credit: { limit: facts.creditLimit, exposure: facts.exposure, total, ok: true }, outcome: { status: 'submitted', level: 'network', approverDealerId: facts.networkApprover } };
  const ok = facts.exposure + total <= facts.creditLimit;
  const credit = { limit: facts.creditLimit, exposure: facts.exposure, total, ok };
  const level: ApprovalLevel = total > facts.rules.managerMax ? 'hq_admin' : 'regional_manager';
  if (!ok) return { kind: 'priced', prices, total, credit, outcome: { status: 'held', reason: `Over the credit limit by ${((facts.exposure + total - facts.creditLimit) / 100).toFixed(2)}`, level: 'hq_admin' } };
  if (total <= facts.rules.autoApproveMax) return { kind: 'priced', prices, total, credit, outcome: { status: 'approved', by: 'auto' } };
  return { kind: 'priced', prices, total, credit, outcome: { status: 'submitted', level } };
}

// Who may decide an order waiting at a level, read off the policy's D on orders: at any order
// (HQ) every level, in a region (a manager) the manager's level, in a network (a network's
// parent) the orders of its own network.
export function mayDecide(who: { role: string; dealerId?: string | null }, level: ApprovalLevel, approverDealerId?: string | null): boolean {
  if (!(ROLES as readonly string[]).includes(who.role)) return false;
  const at = new Set(relationsWith(who.role as Role, 'order', 'D'));
  if (at.has('any')) return true;
  if (level === 'regional_manager') return at.has('region');
  if (level === 'network') return at.has('network') && !!who.dealerId && who.dealerId === approverDealerId;
  return false;
}
