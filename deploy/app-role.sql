-- The role the service runs as, in a database whose schema another role owns: it reads and writes
-- rows, and owns nothing, so it can neither switch a guard off nor change the schema. Run as the
-- owner after `npm run migration:run` (which applies every migration and installs the job queue's
-- schema), and again after each upgrade's migrations:
--   psql "$OWNER_URL" -v ON_ERROR_STOP=1 -f deploy/app-role.sql
-- The service role itself is made once, by a superuser:
--   CREATE ROLE tracker_app LOGIN PASSWORD '…' NOSUPERUSER NOCREATEDB NOCREATEROLE;
GRANT USAGE ON SCHEMA public, pgboss TO tracker_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public, pgboss TO tracker_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public, pgboss TO tracker_app;
