-- Invoices (one per shipped purchase order) and the payments against them.
-- Invoice numbers are gapless per month: a counter row per month, taken inside the issuing transaction.

CREATE TABLE invoice_counters (
    period   DATE PRIMARY KEY CHECK (extract(day FROM period) = 1),
    last_no  INTEGER NOT NULL CHECK (last_no > 0)
);

CREATE TABLE invoices (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE CHECK (number ~ '^INV/[0-9]{4}/[0-9]{2}/[0-9]{4,}$'),
    purchase_order_id  BIGINT NOT NULL UNIQUE REFERENCES purchase_orders (id),
    stokis_id          BIGINT NOT NULL REFERENCES stokis (id),
    issue_date         DATE NOT NULL,
    due_date           DATE NOT NULL,
    total              BIGINT NOT NULL CHECK (total >= 0),
    paid               BIGINT NOT NULL DEFAULT 0 CHECK (paid >= 0),
    status             TEXT NOT NULL CHECK (status IN ('UNPAID', 'OVERDUE', 'PAID')),
    paid_at            TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT invoices_due_after_issue CHECK (due_date >= issue_date),
    CONSTRAINT invoices_not_overpaid CHECK (paid <= total),
    CONSTRAINT invoices_paid_status CHECK ((status = 'PAID') = (paid = total)),
    CONSTRAINT invoices_paid_at CHECK ((status = 'PAID') = (paid_at IS NOT NULL))
);
CREATE INDEX invoices_stokis_idx ON invoices (stokis_id, issue_date DESC);
CREATE INDEX invoices_open_idx ON invoices (stokis_id, due_date) WHERE status <> 'PAID';
CREATE INDEX invoices_status_due_idx ON invoices (status, due_date);
CREATE INDEX invoices_issue_idx ON invoices (issue_date DESC);

CREATE TABLE payments (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id   BIGINT NOT NULL REFERENCES invoices (id),
    amount       BIGINT NOT NULL CHECK (amount > 0),
    paid_on      DATE NOT NULL,
    method       TEXT NOT NULL CHECK (method IN ('TRANSFER', 'CASH', 'GIRO', 'OTHER')),
    reference    TEXT NOT NULL DEFAULT '' CHECK (length(reference) <= 200),
    recorded_by  BIGINT NOT NULL REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX payments_invoice_idx ON payments (invoice_id, paid_on);
CREATE INDEX payments_paid_on_idx ON payments (paid_on);

-- Every transition of an order, purchase order or invoice, and who made it (NULL: the system).
CREATE TABLE status_history (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity       TEXT NOT NULL CHECK (entity IN ('ORDER', 'PURCHASE_ORDER', 'INVOICE')),
    entity_id    BIGINT NOT NULL,
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    actor_id     BIGINT REFERENCES users (id),
    note         TEXT CHECK (length(note) <= 1000),
    at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (from_status IS DISTINCT FROM to_status)
);
CREATE INDEX status_history_entity_idx ON status_history (entity, entity_id, at);
