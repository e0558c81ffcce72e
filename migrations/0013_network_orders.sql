-- Multi-tier: a distributor (or a dealer with sub-dealers) may take its network's orders
-- itself instead of the brand; those orders wait for its approval.
ALTER TABLE `dealers` ADD `handles_network_orders` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `approver_dealer_id` text;--> statement-breakpoint
CREATE INDEX `orders_approver_dealer` ON `orders` (`approver_dealer_id`, `approval_state`);
