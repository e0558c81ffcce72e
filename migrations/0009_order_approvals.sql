-- Order approvals: the rules HQ sets per organisation, and where each order stands.
CREATE TABLE `approval_rules` (
	`org_id` text PRIMARY KEY NOT NULL REFERENCES `organisations`(`id`),
	`auto_approve_max` integer DEFAULT 100000 NOT NULL,
	`manager_max` integer DEFAULT 500000 NOT NULL,
	`updated_by` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
ALTER TABLE `orders` ADD `approval_state` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `approval_level` text;--> statement-breakpoint
CREATE INDEX `orders_approval` ON `orders` (`approval_state`, `approval_level`);
