ALTER TABLE `virtual_member` ADD `include_patterns` text;--> statement-breakpoint
ALTER TABLE `virtual_member` ADD `exclude_patterns` text;