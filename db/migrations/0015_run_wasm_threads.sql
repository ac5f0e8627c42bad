-- 0015_run_wasm_threads: how many XNNPACK threads the wasm backend used for a
-- run (Settings → wasm threads, issue 17), recorded when its host reports
-- ready, next to runs.backend. NULL: another backend, or a run from before
-- this migration (the run page and the comparison then show nothing).
-- Never edit this file once merged: add a new migration.

ALTER TABLE runs ADD COLUMN wasm_threads INTEGER;
