-- Tokens minted with ADMIN_TOKEN belong to a built-in instance-admin user named `admin`
-- (docs/auth.md). Created here unless a user of that name already exists; a pre-existing
-- `admin` user keeps its own admin flag, so this never raises anybody's rights.
INSERT INTO `user` (`name`, `is_admin`, `disabled`, `created_at`)
  SELECT 'admin', 1, 0, unixepoch() * 1000
  WHERE NOT EXISTS (SELECT 1 FROM `user` WHERE `name` = 'admin');
--> statement-breakpoint
UPDATE `token` SET `user_id` = (SELECT `id` FROM `user` WHERE `name` = 'admin') WHERE `user_id` IS NULL;
