-- WhatsApp connection state and message log, the shared send limiter, the daily invoice run,
-- and report runs and schedules.

CREATE TABLE whatsapp_sessions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id  TEXT NOT NULL UNIQUE,
    creds       JSONB,
    status      TEXT NOT NULL DEFAULT 'DISCONNECTED'
                CHECK (status IN ('DISCONNECTED', 'CONNECTING', 'WAITING_QR', 'CONNECTED', 'LOGGED_OUT', 'BANNED')),
    qr          TEXT,
    pair_code   TEXT,
    phone       TEXT,
    holder      TEXT,
    last_error  TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Raw key/value state of the WhatsApp client (signal keys, app state), so any worker can take over.
CREATE TABLE whatsapp_store (
    session_id  TEXT NOT NULL REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL,
    value       BYTEA NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, kind, key)
);

CREATE TABLE whatsapp_logs (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone              TEXT NOT NULL,
    message            TEXT NOT NULL CHECK (length(message) BETWEEN 1 AND 4096),
    status             TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
    type               TEXT NOT NULL CHECK (type IN ('ORDER', 'INVOICE', 'REMINDER', 'MANUAL')),
    event              TEXT NOT NULL,
    recipient          TEXT NOT NULL CHECK (recipient IN ('mitra', 'stokis', 'finance', 'manual')),
    order_id           BIGINT REFERENCES orders (id),
    purchase_order_id  BIGINT REFERENCES purchase_orders (id),
    invoice_id         BIGINT REFERENCES invoices (id),
    stokis_id          BIGINT REFERENCES stokis (id),
    mitra_id           BIGINT REFERENCES mitra (id),
    dedup_key          TEXT NOT NULL UNIQUE,
    attempts           INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error         TEXT,
    wa_message_id      TEXT,
    sender             TEXT,
    scheduled_for      TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at            TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT whatsapp_logs_sent CHECK ((status = 'SENT') = (sent_at IS NOT NULL))
);
CREATE INDEX whatsapp_logs_due_idx ON whatsapp_logs (scheduled_for) WHERE status = 'PENDING';
CREATE INDEX whatsapp_logs_created_idx ON whatsapp_logs (created_at DESC);
CREATE INDEX whatsapp_logs_status_idx ON whatsapp_logs (status, created_at DESC);
CREATE INDEX whatsapp_logs_phone_idx ON whatsapp_logs (phone, created_at DESC);
CREATE INDEX whatsapp_logs_sent_idx ON whatsapp_logs (sender, sent_at) WHERE status = 'SENT';

-- The send limiter shared by every worker: one row per sender number, locked FOR UPDATE to reserve a slot.
CREATE TABLE whatsapp_rate (
    sender          TEXT PRIMARY KEY,
    day             DATE NOT NULL,
    sent_today      INTEGER NOT NULL DEFAULT 0 CHECK (sent_today >= 0),
    next_send_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The daily invoice run, keyed by its business date: one row per day, so a re-run is recognised.
CREATE TABLE invoice_runs (
    run_date        DATE PRIMARY KEY,
    status          TEXT NOT NULL CHECK (status IN ('RUNNING', 'DONE', 'FAILED')),
    triggered_by    BIGINT REFERENCES users (id),
    overdue_marked  INTEGER NOT NULL DEFAULT 0,
    reminders       INTEGER NOT NULL DEFAULT 0,
    overdue_alerts  INTEGER NOT NULL DEFAULT 0,
    error           TEXT,
    started_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at     TIMESTAMPTZ
);

CREATE TABLE report_schedules (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('MONTHLY_SALES', 'TOP_PRODUCTS', 'STOKIS_PERFORMANCE', 'INVOICE_AGING')),
    format        TEXT NOT NULL CHECK (format IN ('PDF', 'XLSX')),
    params        JSONB NOT NULL DEFAULT '{}',
    frequency     TEXT NOT NULL CHECK (frequency IN ('DAILY', 'WEEKLY', 'MONTHLY')),
    run_at_hour   INTEGER NOT NULL DEFAULT 6 CHECK (run_at_hour BETWEEN 0 AND 23),
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_by    BIGINT NOT NULL REFERENCES users (id),
    next_run_at   TIMESTAMPTZ NOT NULL,
    last_run_at   TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX report_schedules_due_idx ON report_schedules (next_run_at) WHERE active;

CREATE TABLE report_runs (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('MONTHLY_SALES', 'TOP_PRODUCTS', 'STOKIS_PERFORMANCE', 'INVOICE_AGING')),
    params        JSONB NOT NULL DEFAULT '{}',
    format        TEXT NOT NULL CHECK (format IN ('PDF', 'XLSX')),
    requested_by  BIGINT REFERENCES users (id),
    schedule_id   BIGINT REFERENCES report_schedules (id),
    status        TEXT NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'RUNNING', 'DONE', 'FAILED')),
    file          BYTEA,
    file_name     TEXT,
    content_type  TEXT,
    error         TEXT,
    queued_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at    TIMESTAMPTZ,
    finished_at   TIMESTAMPTZ,
    CONSTRAINT report_runs_file CHECK ((status = 'DONE') = (file IS NOT NULL))
);
CREATE INDEX report_runs_queued_idx ON report_runs (queued_at DESC);
