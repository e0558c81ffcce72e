-- Visit forms built by HQ: a form, its immutable versions (a submission keeps the version it
-- was filled in, so a version is never changed once written), and the dealer segments and
-- visit types it is assigned to.
CREATE TABLE `forms` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_by` text NOT NULL REFERENCES `users`(`id`),
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`archived` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `form_versions` (
	`form_id` text NOT NULL REFERENCES `forms`(`id`),
	`version` integer NOT NULL,
	`definition` text NOT NULL,
	`created_by` text NOT NULL REFERENCES `users`(`id`),
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`form_id`, `version`)
);
--> statement-breakpoint
CREATE TABLE `form_assignments` (
	`form_id` text NOT NULL REFERENCES `forms`(`id`),
	`target_kind` text NOT NULL CHECK (`target_kind` IN ('segment', 'visit_type')),
	`target` text NOT NULL,
	PRIMARY KEY(`form_id`, `target_kind`, `target`)
);
--> statement-breakpoint
CREATE INDEX `form_assignments_target` ON `form_assignments` (`target_kind`, `target`);
