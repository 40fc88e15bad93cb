CREATE TABLE `derived_document` (
	`repository_id` integer NOT NULL,
	`key` text NOT NULL,
	`revision` integer NOT NULL,
	`blob_id` integer NOT NULL,
	`content_type` text NOT NULL,
	`built_at` integer NOT NULL,
	PRIMARY KEY(`repository_id`, `key`),
	FOREIGN KEY (`repository_id`) REFERENCES `repository`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`blob_id`) REFERENCES `package_blob`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `derived_document_blob` ON `derived_document` (`blob_id`);--> statement-breakpoint
CREATE TABLE `upload_session` (
	`id` text PRIMARY KEY NOT NULL,
	`repository_id` integer NOT NULL,
	`r2_key` text NOT NULL,
	`r2_upload_id` text NOT NULL,
	`parts` text DEFAULT '[]' NOT NULL,
	`size` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`repository_id`) REFERENCES `repository`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `upload_session_repo` ON `upload_session` (`repository_id`);--> statement-breakpoint
CREATE INDEX `upload_session_expires` ON `upload_session` (`expires_at`);--> statement-breakpoint
ALTER TABLE `package` ADD `revision` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `repository` ADD `revision` integer DEFAULT 0 NOT NULL;