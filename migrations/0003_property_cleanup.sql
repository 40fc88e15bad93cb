-- Properties point at packages, versions and files by (ref_type, ref_id) without a foreign
-- key; these triggers remove them with their owner, including rows removed by cascades.
CREATE TRIGGER `property_cleanup_package` AFTER DELETE ON `package` BEGIN
  DELETE FROM `property` WHERE `ref_type` = 'package' AND `ref_id` = OLD.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `property_cleanup_version` AFTER DELETE ON `package_version` BEGIN
  DELETE FROM `property` WHERE `ref_type` = 'version' AND `ref_id` = OLD.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `property_cleanup_file` AFTER DELETE ON `package_file` BEGIN
  DELETE FROM `property` WHERE `ref_type` = 'file' AND `ref_id` = OLD.`id`;
END;
