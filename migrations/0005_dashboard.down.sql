-- Rows of the 'extra' action cannot stay under the old check; the next reconcile records them again.
DELETE FROM drift WHERE action = 'extra';
ALTER TABLE drift DROP CONSTRAINT IF EXISTS drift_action_check;
ALTER TABLE drift ADD CONSTRAINT drift_action_check CHECK (action IN ('create', 'update', 'delete', 'unmanaged', 'blocked'));
ALTER TABLE intents
    DROP COLUMN IF EXISTS suspend_message,
    DROP COLUMN IF EXISTS suspended_at,
    DROP COLUMN IF EXISTS suspended_by;
ALTER TABLE drift DROP COLUMN IF EXISTS reason;
DROP TABLE IF EXISTS drift_history;
