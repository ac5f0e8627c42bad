-- 0013_run_host_pid: the pid of the child process that trains a run (native
-- backends, LATENT_HOST=process), next to runs.owner (0012). A process that
-- was SIGKILLed leaves its run's owner dead, but its training child may still
-- live (its IPC channel closes only when its event loop next turns); the next
-- start stops that child by this pid before it marks the run interrupted, so
-- a resume never finds a second writer in the run's folder. NULL: a worker
-- thread (it dies with its process), or a run from before this migration.
-- Never edit this file once merged: add a new migration.

ALTER TABLE runs ADD COLUMN host_pid INTEGER;
