-- Photos taken in the field, addressed by their content hash. The bytes live in R2 at
-- photos/<sha256>; this row says whose they are, so a read can be checked against scope.
CREATE TABLE `photos` (
	`sha256` text PRIMARY KEY NOT NULL,
	`dealer_id` text NOT NULL REFERENCES `dealers`(`id`),
	`visit_id` text,
	`uploaded_by` text NOT NULL,
	`content_type` text NOT NULL,
	`bytes` integer NOT NULL,
	`width` integer,
	`height` integer,
	`lat` real,
	`lng` real,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `photos_dealer` ON `photos` (`dealer_id`);--> statement-breakpoint
-- A brand setting: whether a photo keeps the place it was taken, or it is dropped on upload.
ALTER TABLE `organisations` ADD `photo_location` text DEFAULT 'keep' NOT NULL CHECK (`photo_location` IN ('keep', 'strip'));
