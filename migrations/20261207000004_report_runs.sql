-- Reports as runs a worker renders (progress, size, timings, retry) and schedules that request
-- them once per period; printable documents (faktur, surat jalan) rendered by a worker and kept
-- per version of their record.

ALTER TABLE report_runs
    ADD COLUMN progress     INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    ADD COLUMN size         BIGINT,
    ADD COLUMN attempts     INTEGER NOT NULL DEFAULT 0,
    -- The period a scheduled run covers (`2026-11`, `2026-W47`, `2026-11-30`): one run per
    -- schedule and period, whatever restarts or extra workers do.
    ADD COLUMN period_key   TEXT,
    ADD COLUMN query_ms     INTEGER,
    ADD COLUMN render_ms    INTEGER;
CREATE UNIQUE INDEX report_runs_schedule_period_idx ON report_runs (schedule_id, period_key)
    WHERE schedule_id IS NOT NULL;
CREATE INDEX report_runs_finished_idx ON report_runs (finished_at) WHERE status IN ('DONE', 'FAILED');

-- Schedules: monthly on day N (previous month), weekly on a weekday (previous Monday–Sunday
-- week), daily (aging as of the run day), at HH:MM WIB. `next_run_at` is the next occurrence
-- not yet requested; a worker requests every occurrence that has come (catch-up) and moves it on.
ALTER TABLE report_schedules
    ADD COLUMN day_of_month  INTEGER CHECK (day_of_month BETWEEN 1 AND 28),
    ADD COLUMN weekday       INTEGER CHECK (weekday BETWEEN 1 AND 7),
    ADD COLUMN run_at_minute INTEGER NOT NULL DEFAULT 0 CHECK (run_at_minute BETWEEN 0 AND 59),
    ADD COLUMN updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    ADD CONSTRAINT report_schedules_shape CHECK (
        (frequency = 'MONTHLY' AND day_of_month IS NOT NULL AND weekday IS NULL)
        OR (frequency = 'WEEKLY' AND weekday IS NOT NULL AND day_of_month IS NULL)
        OR (frequency = 'DAILY' AND weekday IS NULL AND day_of_month IS NULL));

-- Faktur / surat jalan / kwitansi PDFs, rendered by a worker (the web tier carries no PDF
-- library). `version` fingerprints the record's printed state (e.g. paid amount), so a payment
-- makes a new faktur and an old one is never served as current.
CREATE TABLE documents (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('INVOICE', 'DELIVERY_NOTE')),
    record_id    BIGINT NOT NULL,
    version      TEXT NOT NULL,
    file         BYTEA,
    file_name    TEXT NOT NULL,
    error        TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    rendered_at  TIMESTAMPTZ,
    UNIQUE (kind, record_id, version)
);

-- "Your report is ready" goes to the staff member who asked for it (finance or pusat).
ALTER TABLE whatsapp_logs DROP CONSTRAINT whatsapp_logs_type_check,
    ADD CONSTRAINT whatsapp_logs_type_check CHECK (type IN ('ORDER', 'INVOICE', 'REMINDER', 'MANUAL', 'REPORT'));
ALTER TABLE whatsapp_logs DROP CONSTRAINT whatsapp_logs_recipient_check,
    ADD CONSTRAINT whatsapp_logs_recipient_check CHECK (recipient IN ('mitra', 'stokis', 'finance', 'manual', 'staff'));
