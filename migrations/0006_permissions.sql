CREATE TABLE `grant` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`pattern` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `grant_user_pattern` ON `grant` (`user_id`,`pattern`);--> statement-breakpoint
ALTER TABLE `audit_event` ADD `token_id` integer;--> statement-breakpoint
ALTER TABLE `audit_event` ADD `token_name` text;--> statement-breakpoint
ALTER TABLE `token` ADD `parent_id` integer;--> statement-breakpoint
CREATE INDEX `token_parent` ON `token` (`parent_id`);