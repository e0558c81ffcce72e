-- Support tickets: response-time targets per category, and the ticket projection widened to
-- the SLA clock (opened, first response, resolved), who it is assigned or routed to, and the
-- last message. The projection fills these from the ticket document (core/docs/projection.ts).
CREATE TABLE `ticket_sla` (
	`category` text PRIMARY KEY NOT NULL,
	`first_response_hours` integer NOT NULL CHECK (`first_response_hours` > 0),
	`resolve_hours` integer NOT NULL CHECK (`resolve_hours` > 0)
);
--> statement-breakpoint
INSERT INTO `ticket_sla` (`category`, `first_response_hours`, `resolve_hours`) VALUES ('order', 8, 48), ('product', 24, 120), ('delivery', 8, 72), ('other', 48, 168);--> statement-breakpoint
ALTER TABLE `tickets` ADD `opened_at` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `first_response_at` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `resolved_at` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `assigned_to` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `routed_to` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `last_message_at` text;--> statement-breakpoint
CREATE INDEX `tickets_status_opened` ON `tickets` (`status`, `opened_at`);
