-- Catalog promotions, the brand's stock and the stock dealers hold (channel stock).
-- A promotion takes percent_off off the dealer's price-list price for the products it names:
-- one product, one category, dealers of one segment tag, or any combination (all given must hold),
-- between valid_from and valid_to inclusive. Channel stock is reported by the dealer itself
-- (source 'dealer') or recorded by its rep during an audit (source 'audit'); a row is low when
-- quantity <= reorder_point.
CREATE TABLE `promotions` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL REFERENCES `organisations`(`id`),
	`name` text NOT NULL,
	`percent_off` real NOT NULL CHECK (`percent_off` > 0 AND `percent_off` <= 90),
	`product_id` text REFERENCES `products`(`id`),
	`category` text,
	`segment` text,
	`valid_from` text NOT NULL,
	`valid_to` text NOT NULL,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	CHECK (`valid_from` <= `valid_to`)
);
--> statement-breakpoint
CREATE INDEX `promotions_org_valid` ON `promotions` (`org_id`, `valid_to`, `valid_from`);--> statement-breakpoint
CREATE TABLE `brand_stock` (
	`product_id` text PRIMARY KEY NOT NULL REFERENCES `products`(`id`),
	`available` integer DEFAULT 0 NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `channel_stock` (
	`dealer_id` text NOT NULL REFERENCES `dealers`(`id`),
	`product_id` text NOT NULL REFERENCES `products`(`id`),
	`quantity` integer NOT NULL CHECK (`quantity` >= 0),
	`reorder_point` integer DEFAULT 5 NOT NULL CHECK (`reorder_point` >= 0),
	`reported_by` text NOT NULL,
	`reported_at` text NOT NULL,
	`source` text NOT NULL CHECK (`source` IN ('dealer', 'audit')),
	PRIMARY KEY (`dealer_id`, `product_id`)
);
--> statement-breakpoint
CREATE INDEX `channel_stock_product` ON `channel_stock` (`product_id`);
