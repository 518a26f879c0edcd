-- Stock on hand at the central warehouse and at each stokis, and the ledger that explains every change.

CREATE TABLE warehouse_stock (
    product_id  BIGINT PRIMARY KEY REFERENCES products (id),
    qty         BIGINT NOT NULL CHECK (qty >= 0),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE stokis_stock (
    stokis_id   BIGINT NOT NULL REFERENCES stokis (id),
    product_id  BIGINT NOT NULL REFERENCES products (id),
    qty         BIGINT NOT NULL CHECK (qty >= 0),
    -- below this the stokis dashboard flags the product as low stock
    min_qty     BIGINT NOT NULL DEFAULT 0 CHECK (min_qty >= 0),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (stokis_id, product_id)
);

CREATE TABLE stock_movements (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    location           TEXT NOT NULL CHECK (location IN ('WAREHOUSE', 'STOKIS')),
    stokis_id          BIGINT REFERENCES stokis (id),
    product_id         BIGINT NOT NULL REFERENCES products (id),
    delta              BIGINT NOT NULL CHECK (delta <> 0),
    balance_after      BIGINT NOT NULL CHECK (balance_after >= 0),
    reason             TEXT NOT NULL CHECK (reason IN ('OPENING', 'ADJUSTMENT', 'ORDER_SHIPPED', 'PO_SHIPPED', 'PO_RECEIVED')),
    order_id           BIGINT,
    purchase_order_id  BIGINT,
    note               TEXT CHECK (length(note) <= 500),
    created_by         BIGINT REFERENCES users (id),
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT stock_movements_location CHECK ((location = 'STOKIS') = (stokis_id IS NOT NULL))
);
CREATE INDEX stock_movements_stokis_idx ON stock_movements (stokis_id, product_id, created_at) WHERE stokis_id IS NOT NULL;
CREATE INDEX stock_movements_warehouse_idx ON stock_movements (product_id, created_at) WHERE location = 'WAREHOUSE';
CREATE INDEX stock_movements_order_idx ON stock_movements (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX stock_movements_po_idx ON stock_movements (purchase_order_id) WHERE purchase_order_id IS NOT NULL;
