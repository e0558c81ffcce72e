-- API keys for integrations (an ERP pushing shipment events, and the integrations after it).
-- Only the SHA-256 of a secret is kept; the secret is shown once, when HQ creates the key.
-- `prefix` is the secret's first characters, so a key can be recognised in a list.
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`key_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`scopes` text DEFAULT '[]' NOT NULL,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`last_used_at` text,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash` ON `api_keys` (`key_hash`);--> statement-breakpoint
-- Shipment events of an order as rows, projected from the order document by the room
-- (core/docs/projection.ts); the document stays the source of truth.
CREATE TABLE `order_shipments` (
	`order_id` text NOT NULL,
	`event_id` text NOT NULL,
	`carrier` text,
	`tracking_number` text,
	`status` text NOT NULL,
	`eta` text,
	`at` text,
	`items` text DEFAULT '[]' NOT NULL,
	PRIMARY KEY(`order_id`, `event_id`)
);
--> statement-breakpoint
CREATE INDEX `order_shipments_tracking` ON `order_shipments` (`tracking_number`);
