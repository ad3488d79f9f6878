DROP TABLE IF EXISTS process_events;
ALTER TABLE processes DROP COLUMN IF EXISTS event_seq;
