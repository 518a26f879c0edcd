-- What the workers need beyond the base schema: send claims on WhatsApp logs (crash-safe sends),
-- the staff user a message went to, and the ledger of invoice reminders and overdue alerts that
-- makes the daily run idempotent and able to catch up after downtime.

-- claimed_by/claimed_at: the job that is sending this message right now (set in the transaction
-- that reserves the rate-limit slot, before the transport is called). A re-run of the same job
-- after a crash takes the claim over and re-sends with the same wa_message_id, which the
-- transport deduplicates.
ALTER TABLE whatsapp_logs
    ADD COLUMN claimed_by  TEXT,
    ADD COLUMN claimed_at  TIMESTAMPTZ,
    ADD COLUMN user_id     BIGINT REFERENCES users (id),
    ADD CONSTRAINT whatsapp_logs_claim CHECK ((claimed_by IS NULL) = (claimed_at IS NULL)),
    ADD CONSTRAINT whatsapp_logs_claim_pending CHECK (claimed_by IS NULL OR status = 'PENDING');
CREATE INDEX whatsapp_logs_type_idx ON whatsapp_logs (type, created_at DESC);

-- One row per invoice and milestone it was told about: a reminder `mark` days before the due
-- date, or an overdue alert `mark` days after it. The primary key is what stops a second run,
-- a late run or a concurrent run from telling anyone twice.
CREATE TABLE invoice_notices (
    invoice_id  BIGINT NOT NULL REFERENCES invoices (id),
    kind        TEXT NOT NULL CHECK (kind IN ('REMINDER', 'OVERDUE')),
    mark        INTEGER NOT NULL CHECK (mark >= 0),
    run_date    DATE NOT NULL REFERENCES invoice_runs (run_date),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (invoice_id, kind, mark)
);
