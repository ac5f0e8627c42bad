-- 0014_owner_leases: a lease per owner (runs.owner, 0012) with a heartbeat,
-- so a process can tell a live owner from a gone one on any host sharing the
-- data folder (issue 16, point 2). Each open store that queues or trains runs
-- inserts its row and renews heartbeat_at every few seconds; closing the
-- store deletes it. The rule that reads it is in db/runOwner.ts (ownerRule).
--   owner         '<host>:<pid>:<nonce>', as in runs.owner
--   host, pid     the owner's host name and process id (split out so the
--                 rule need not parse the owner string)
--   started_at    when the store opened (ms since the epoch)
--   heartbeat_at  the owner's last renewal (ms since the epoch, its clock)
-- Never edit this file once merged: add a new migration.

CREATE TABLE owner_leases (
  owner        TEXT PRIMARY KEY,
  host         TEXT NOT NULL,
  pid          INTEGER NOT NULL,
  started_at   INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL
);
