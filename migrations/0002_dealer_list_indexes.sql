DROP INDEX `dealers_region_status`;--> statement-breakpoint
DROP INDEX `dealers_type_status`;--> statement-breakpoint
DROP INDEX `dealers_tier`;--> statement-breakpoint
DROP INDEX `dealers_name`;--> statement-breakpoint
CREATE INDEX `dealers_status_name` ON `dealers` (`status`,`name`,`id`);--> statement-breakpoint
CREATE INDEX `dealers_region_status` ON `dealers` (`region_id`,`status`,`name`,`id`);--> statement-breakpoint
CREATE INDEX `dealers_type_status` ON `dealers` (`type`,`status`,`name`,`id`);--> statement-breakpoint
CREATE INDEX `dealers_tier` ON `dealers` (`tier`,`name`,`id`);--> statement-breakpoint
CREATE INDEX `dealers_name` ON `dealers` (`name`,`id`);