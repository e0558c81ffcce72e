CREATE TABLE `order_lines` (
	`order_id` text NOT NULL,
	`line_id` text NOT NULL,
	`product_id` text NOT NULL,
	`quantity` real NOT NULL,
	`unit_price` integer,
	PRIMARY KEY(`order_id`, `line_id`)
);
--> statement-breakpoint
CREATE INDEX `order_lines_product` ON `order_lines` (`product_id`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`dealer_id` text NOT NULL,
	`status` text NOT NULL,
	`created_by` text,
	`line_count` integer DEFAULT 0 NOT NULL,
	`quantity` real DEFAULT 0 NOT NULL,
	`total` integer,
	`submitted_at` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `orders_dealer_status` ON `orders` (`dealer_id`,`status`);--> statement-breakpoint
CREATE INDEX `orders_status_updated` ON `orders` (`status`,`updated_at`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` text PRIMARY KEY NOT NULL,
	`dealer_id` text NOT NULL,
	`status` text NOT NULL,
	`category` text,
	`subject` text,
	`message_count` integer DEFAULT 0 NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `tickets_dealer_status` ON `tickets` (`dealer_id`,`status`);--> statement-breakpoint
CREATE TABLE `visits` (
	`id` text PRIMARY KEY NOT NULL,
	`rep_id` text NOT NULL,
	`dealer_id` text NOT NULL,
	`status` text NOT NULL,
	`planned_start` text,
	`check_in_at` text,
	`check_out_at` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `visits_rep_status` ON `visits` (`rep_id`,`status`);--> statement-breakpoint
CREATE INDEX `visits_dealer` ON `visits` (`dealer_id`);