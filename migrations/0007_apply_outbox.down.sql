DROP TABLE IF EXISTS apply_outbox;
