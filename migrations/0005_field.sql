-- The field rep's day: visit plans per dealer, tasks, field settings, and the visit projection
-- widened to what the field KPIs read (positions, verification, flags, answers, photos).
ALTER TABLE `organisations` ADD `checkin_radius_m` integer DEFAULT 150 NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `checkin_max_accuracy_m` integer DEFAULT 100 NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `late_after_min` integer DEFAULT 15 NOT NULL;--> statement-breakpoint
CREATE TABLE `visit_plans` (
	`dealer_id` text PRIMARY KEY NOT NULL REFERENCES `dealers`(`id`),
	`rep_id` text NOT NULL REFERENCES `users`(`id`),
	`frequency` text NOT NULL CHECK (`frequency` IN ('weekly', 'biweekly', 'monthly')),
	`weekdays` text DEFAULT '[]' NOT NULL,
	`window_start` text,
	`window_end` text,
	`duration_min` integer DEFAULT 30 NOT NULL,
	`visit_type` text DEFAULT 'routine' NOT NULL,
	`updated_by` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `visit_plans_rep` ON `visit_plans` (`rep_id`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`dealer_id` text NOT NULL REFERENCES `dealers`(`id`),
	`rep_id` text NOT NULL REFERENCES `users`(`id`),
	`title` text NOT NULL,
	`details` text DEFAULT '' NOT NULL,
	`due_date` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL CHECK (`status` IN ('open', 'done', 'cancelled')),
	`ticket_id` text,
	`created_by` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`done_at` text,
	`done_visit_id` text
);
--> statement-breakpoint
CREATE INDEX `tasks_rep_status` ON `tasks` (`rep_id`, `status`, `due_date`);--> statement-breakpoint
CREATE INDEX `tasks_dealer` ON `tasks` (`dealer_id`);--> statement-breakpoint
ALTER TABLE `visits` ADD `visit_type` text;--> statement-breakpoint
ALTER TABLE `visits` ADD `check_in_lat` real;--> statement-breakpoint
ALTER TABLE `visits` ADD `check_in_lng` real;--> statement-breakpoint
ALTER TABLE `visits` ADD `check_in_accuracy_m` real;--> statement-breakpoint
ALTER TABLE `visits` ADD `check_in_distance_m` real;--> statement-breakpoint
ALTER TABLE `visits` ADD `check_in_verified` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `visits` ADD `check_in_reason` text;--> statement-breakpoint
ALTER TABLE `visits` ADD `check_out_distance_m` real;--> statement-breakpoint
ALTER TABLE `visits` ADD `clock_skew_ms` integer;--> statement-breakpoint
ALTER TABLE `visits` ADD `duration_min` real;--> statement-breakpoint
ALTER TABLE `visits` ADD `late_min` real;--> statement-breakpoint
ALTER TABLE `visits` ADD `notes` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `visits` ADD `photo_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `visits_rep_planned` ON `visits` (`rep_id`, `planned_start`);--> statement-breakpoint
CREATE TABLE `visit_answers` (
	`visit_id` text NOT NULL,
	`form_id` text NOT NULL,
	`form_version` integer NOT NULL,
	`question_id` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`visit_id`, `form_id`, `question_id`)
);
--> statement-breakpoint
CREATE TABLE `visit_photos` (
	`visit_id` text NOT NULL,
	`sha256` text NOT NULL,
	`form_id` text,
	`question_id` text,
	`taken_at` text,
	PRIMARY KEY(`visit_id`, `sha256`)
);
--> statement-breakpoint
CREATE INDEX `visit_photos_sha` ON `visit_photos` (`sha256`);
