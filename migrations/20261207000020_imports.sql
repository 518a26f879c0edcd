-- Spreadsheet imports (issue 13): the import record with its stored preview, the bank layouts
-- whose column choice is remembered, the bank statement lines already recorded as payments
-- (idempotency by the bank's reference), and the product price history.

CREATE TABLE imports (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('PRODUCTS', 'STOKIS', 'MITRA', 'BANK_STATEMENT')),
    status           TEXT NOT NULL DEFAULT 'PREVIEW' CHECK (status IN ('PREVIEW', 'COMMITTED')),
    file_name        TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    -- Kept while previewing so a column choice can re-read it; dropped on commit.
    file_bytes       BYTEA,
    file_size        BIGINT NOT NULL CHECK (file_size >= 0),
    -- The header signature of a bank statement (its layout), to remember the column choice.
    layout_signature TEXT,
    count_create     INTEGER NOT NULL DEFAULT 0 CHECK (count_create >= 0),
    count_update     INTEGER NOT NULL DEFAULT 0 CHECK (count_update >= 0),
    count_unchanged  INTEGER NOT NULL DEFAULT 0 CHECK (count_unchanged >= 0),
    count_errors     INTEGER NOT NULL DEFAULT 0 CHECK (count_errors >= 0),
    -- The preview as shown (rows, errors, headers); commit re-plans from it.
    preview          JSONB NOT NULL,
    -- What commit applied: {created, updated, unchanged, payments}.
    applied          JSONB,
    created_by       BIGINT NOT NULL REFERENCES users (id),
    created_at       TIMESTAMPTZ NOT NULL,
    committed_by     BIGINT REFERENCES users (id),
    committed_at     TIMESTAMPTZ,
    CHECK ((status = 'COMMITTED') = (committed_at IS NOT NULL)),
    CHECK ((committed_at IS NULL) = (committed_by IS NULL))
);
CREATE INDEX imports_created_idx ON imports (created_at DESC, id DESC);

CREATE TABLE import_bank_layouts (
    signature           TEXT PRIMARY KEY,
    date_column         TEXT NOT NULL,
    description_column  TEXT NOT NULL,
    amount_column       TEXT NOT NULL,
    reference_column    TEXT,
    updated_by          BIGINT NOT NULL REFERENCES users (id),
    updated_at          TIMESTAMPTZ NOT NULL
);

CREATE TABLE bank_statement_lines (
    bank_reference  TEXT PRIMARY KEY CHECK (length(bank_reference) BETWEEN 1 AND 200),
    import_id       BIGINT NOT NULL REFERENCES imports (id),
    invoice_id      BIGINT NOT NULL REFERENCES invoices (id),
    amount          BIGINT NOT NULL CHECK (amount > 0),
    booked_on       DATE NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX bank_statement_lines_invoice_idx ON bank_statement_lines (invoice_id);

-- Every price change of a product, by whom, and from which import (NULL: the product form).
CREATE TABLE product_price_history (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id           BIGINT NOT NULL REFERENCES products (id),
    old_price_to_mitra   BIGINT,
    new_price_to_mitra   BIGINT NOT NULL CHECK (new_price_to_mitra >= 0),
    old_price_to_stokis  BIGINT,
    new_price_to_stokis  BIGINT NOT NULL CHECK (new_price_to_stokis >= 0),
    changed_by           BIGINT NOT NULL REFERENCES users (id),
    import_id            BIGINT REFERENCES imports (id),
    changed_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX product_price_history_product_idx ON product_price_history (product_id, changed_at);
