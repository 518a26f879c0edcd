-- Mitra orders to their stokis, and purchase orders from stokis to head office.
-- Numbers come from sequences: unique, gaps allowed (a per-day counter row would serialise every order).

CREATE SEQUENCE order_number_seq;
CREATE SEQUENCE purchase_order_number_seq;

CREATE TABLE orders (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE CHECK (number ~ '^ORD-[0-9]{6}-[0-9]{6,}$'),
    mitra_id         BIGINT NOT NULL REFERENCES mitra (id),
    stokis_id        BIGINT NOT NULL REFERENCES stokis (id),
    status           TEXT NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REJECTED')),
    total            BIGINT NOT NULL CHECK (total >= 0),
    note             TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    reject_reason    TEXT CHECK (length(reject_reason) <= 1000),
    idempotency_key  TEXT CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    created_by       BIGINT NOT NULL REFERENCES users (id),
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    confirmed_at     TIMESTAMPTZ,
    shipped_at       TIMESTAMPTZ,
    delivered_at     TIMESTAMPTZ,
    closed_at        TIMESTAMPTZ,
    CONSTRAINT orders_idempotency UNIQUE (created_by, idempotency_key),
    CONSTRAINT orders_reject_reason CHECK ((status = 'REJECTED') = (reject_reason IS NOT NULL))
);
CREATE INDEX orders_mitra_idx ON orders (mitra_id, created_at DESC);
CREATE INDEX orders_stokis_idx ON orders (stokis_id, status, created_at DESC);
CREATE INDEX orders_stokis_created_idx ON orders (stokis_id, created_at DESC);
CREATE INDEX orders_created_idx ON orders (created_at DESC);

CREATE TABLE order_items (
    order_id    BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id  BIGINT NOT NULL REFERENCES products (id),
    qty         INTEGER NOT NULL CHECK (qty > 0),
    unit_price  BIGINT NOT NULL CHECK (unit_price >= 0),
    subtotal    BIGINT NOT NULL CHECK (subtotal = qty * unit_price),
    PRIMARY KEY (order_id, product_id)
);
CREATE INDEX order_items_product_idx ON order_items (product_id);

CREATE TABLE purchase_orders (
    id                      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number                  TEXT NOT NULL UNIQUE CHECK (number ~ '^PO-[0-9]{6}-[0-9]{6,}$'),
    stokis_id               BIGINT NOT NULL REFERENCES stokis (id),
    status                  TEXT NOT NULL CHECK (status IN ('SUBMITTED', 'APPROVED', 'SHIPPED', 'RECEIVED', 'REJECTED', 'CANCELLED')),
    total                   BIGINT NOT NULL CHECK (total >= 0),
    note                    TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    reject_reason           TEXT CHECK (length(reject_reason) <= 1000),
    credit_override_reason  TEXT CHECK (length(credit_override_reason) <= 1000),
    idempotency_key         TEXT CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    created_by              BIGINT NOT NULL REFERENCES users (id),
    approved_by             BIGINT REFERENCES users (id),
    shipped_by              BIGINT REFERENCES users (id),
    created_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    approved_at             TIMESTAMPTZ,
    shipped_at              TIMESTAMPTZ,
    received_at             TIMESTAMPTZ,
    closed_at               TIMESTAMPTZ,
    CONSTRAINT purchase_orders_idempotency UNIQUE (created_by, idempotency_key),
    CONSTRAINT purchase_orders_reject_reason CHECK ((status = 'REJECTED') = (reject_reason IS NOT NULL))
);
CREATE INDEX purchase_orders_stokis_idx ON purchase_orders (stokis_id, created_at DESC);
CREATE INDEX purchase_orders_status_idx ON purchase_orders (status, created_at);
CREATE INDEX purchase_orders_created_idx ON purchase_orders (created_at DESC);

CREATE TABLE purchase_order_items (
    purchase_order_id  BIGINT NOT NULL REFERENCES purchase_orders (id) ON DELETE CASCADE,
    product_id         BIGINT NOT NULL REFERENCES products (id),
    qty                INTEGER NOT NULL CHECK (qty > 0),
    unit_price         BIGINT NOT NULL CHECK (unit_price >= 0),
    subtotal           BIGINT NOT NULL CHECK (subtotal = qty * unit_price),
    PRIMARY KEY (purchase_order_id, product_id)
);
CREATE INDEX purchase_order_items_product_idx ON purchase_order_items (product_id);

ALTER TABLE stock_movements
    ADD CONSTRAINT stock_movements_order_fk FOREIGN KEY (order_id) REFERENCES orders (id),
    ADD CONSTRAINT stock_movements_po_fk FOREIGN KEY (purchase_order_id) REFERENCES purchase_orders (id);
