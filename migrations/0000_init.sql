CREATE TABLE `audit_event` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`repository` text,
	`target` text,
	`detail` text DEFAULT '{}' NOT NULL,
	`request_id` text
);
--> statement-breakpoint
CREATE INDEX `audit_event_at` ON `audit_event` (`at`);--> statement-breakpoint
CREATE INDEX `audit_event_repo` ON `audit_event` (`repository`,`at`);--> statement-breakpoint
CREATE TABLE `package_blob` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sha256` text NOT NULL,
	`sha1` text NOT NULL,
	`md5` text NOT NULL,
	`sha512` text NOT NULL,
	`size` integer NOT NULL,
	`r2_key` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`orphaned_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `package_blob_sha256_unique` ON `package_blob` (`sha256`);--> statement-breakpoint
CREATE TABLE `package_file` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`version_id` integer NOT NULL,
	`blob_id` integer NOT NULL,
	`name` text NOT NULL,
	`lower_name` text NOT NULL,
	`composite_key` text DEFAULT '' NOT NULL,
	`is_lead` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`version_id`) REFERENCES `package_version`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`blob_id`) REFERENCES `package_blob`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `package_file_version_name_key` ON `package_file` (`version_id`,`lower_name`,`composite_key`);--> statement-breakpoint
CREATE INDEX `package_file_blob` ON `package_file` (`blob_id`);--> statement-breakpoint
CREATE TABLE `package_version` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`package_id` integer NOT NULL,
	`version` text NOT NULL,
	`lower_version` text NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`creator_id` integer,
	`download_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`package_id`) REFERENCES `package`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `package_version_pkg_version` ON `package_version` (`package_id`,`lower_version`);--> statement-breakpoint
CREATE TABLE `package` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`repository_id` integer NOT NULL,
	`name` text NOT NULL,
	`lower_name` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`repository_id`) REFERENCES `repository`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `package_repo_name` ON `package` (`repository_id`,`lower_name`);--> statement-breakpoint
CREATE TABLE `property` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ref_type` text NOT NULL,
	`ref_id` integer NOT NULL,
	`name` text NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `property_ref` ON `property` (`ref_type`,`ref_id`,`name`);--> statement-breakpoint
CREATE TABLE `remote_config` (
	`repository_id` integer PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`username` text,
	`secret_encrypted` text,
	`metadata_ttl_s` integer DEFAULT 300 NOT NULL,
	`artifact_ttl_s` integer DEFAULT 0 NOT NULL,
	`negative_ttl_s` integer DEFAULT 60 NOT NULL,
	`timeout_ms` integer DEFAULT 30000 NOT NULL,
	FOREIGN KEY (`repository_id`) REFERENCES `repository`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `repository` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`format` text NOT NULL,
	`kind` text NOT NULL,
	`visibility` text NOT NULL,
	`settings` text DEFAULT '{}' NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `repository_name_unique` ON `repository` (`name`);--> statement-breakpoint
CREATE TABLE `token` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer,
	`name` text NOT NULL,
	`hash` text NOT NULL,
	`scopes` text NOT NULL,
	`repositories` text,
	`expires_at` integer,
	`revoked_at` integer,
	`last_used_at` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `token_hash_unique` ON `token` (`hash`);--> statement-breakpoint
CREATE INDEX `token_user` ON `token` (`user_id`);--> statement-breakpoint
CREATE TABLE `user` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`email` text,
	`is_admin` integer DEFAULT false NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`password_hash` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_name_unique` ON `user` (`name`);--> statement-breakpoint
CREATE TABLE `virtual_member` (
	`virtual_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`virtual_id`, `member_id`),
	FOREIGN KEY (`virtual_id`) REFERENCES `repository`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `repository`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `virtual_member_member` ON `virtual_member` (`member_id`);