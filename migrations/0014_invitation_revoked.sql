-- An invitation is revoked when its user is disabled before accepting it: the link stops working.
ALTER TABLE `invitations` ADD `revoked_at` text;
