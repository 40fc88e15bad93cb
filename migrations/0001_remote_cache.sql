CREATE TABLE `cache_entry` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`repository_id` integer NOT NULL,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`blob_id` integer,
	`content_type` text,
	`etag` text,
	`last_modified` text,
	`fetched_at` integer NOT NULL,
	`checked_at` integer NOT NULL,
	`hits` integer DEFAULT 0 NOT NULL,
	`last_hit_at` integer,
	FOREIGN KEY (`repository_id`) REFERENCES `repository`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`blob_id`) REFERENCES `package_blob`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cache_entry_repo_key` ON `cache_entry` (`repository_id`,`key`);--> statement-breakpoint
CREATE INDEX `cache_entry_blob` ON `cache_entry` (`blob_id`);--> statement-breakpoint
ALTER TABLE `remote_config` ADD `failure_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `remote_config` ADD `offline_until` integer;