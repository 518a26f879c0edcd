-- Bench data for `make bench` (invoice_run): :n UNPAID invoices, each with its own RECEIVED
-- purchase order, spread over every stokis; the odd half is past due (1–60 days), the even half
-- due from today to 13 days ahead (14-day terms: issued up to today). Respects every constraint
-- of the schema (unique numbers, one invoice per PO, due ≥ issue, unpaid = no paid_at).
-- psql variables: n, today (YYYY-MM-DD). Ids are given explicitly (from the current maximum) so
-- invoices can name their POs without reading them back.
\set ON_ERROR_STOP on
SELECT coalesce(max(id), 0) AS po_base FROM purchase_orders \gset

CREATE TEMP TABLE bench_stokis AS
SELECT row_number() OVER (ORDER BY s.id) - 1 AS k, s.id,
       (SELECT min(u.id) FROM users u WHERE u.stokis_id = s.id) AS user_id
FROM stokis s WHERE s.active;
SELECT count(*) AS nstokis FROM bench_stokis \gset
SELECT min(id) AS finance_id FROM users WHERE role = 'FINANCE' \gset
SELECT min(id) AS gudang_id FROM users WHERE role = 'GUDANG' \gset

CREATE TEMP TABLE bench_gen AS
SELECT g,
       CASE WHEN g % 2 = 1 THEN :'today'::date - (1 + (g / 2) % 60)
            ELSE :'today'::date + (g / 2) % 14 END AS due,
       50000 + (g::bigint * 7919) % 5000000 AS total,
       nextval('purchase_order_number_seq')::text AS seq
FROM generate_series(1, :n) AS g;

-- Foreign keys are checked once at the end instead of by a trigger per row and key (millions of
-- lookups); every other constraint is checked as rows go in.
SET session_replication_role = replica;

-- The secondary indexes are dropped for the load and built again afterwards: one sort per index
-- instead of a million index insertions each (minutes less with fsync on).
CREATE TEMP TABLE bench_indexes AS
SELECT indexname, indexdef FROM pg_indexes i
WHERE schemaname = 'public' AND tablename IN ('purchase_orders', 'invoices')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname);
SELECT format('DROP INDEX %I', indexname) FROM bench_indexes \gexec

INSERT INTO purchase_orders (id, number, stokis_id, status, total, note, created_by, approved_by,
                             shipped_by, created_at, updated_at, approved_at, shipped_at, received_at, closed_at)
OVERRIDING SYSTEM VALUE
SELECT :po_base + b.g,
       'PO-' || to_char(b.due - 14, 'YYMMDD') || '-' || lpad(b.seq, greatest(6, length(b.seq)), '0'),
       s.id, 'RECEIVED', b.total, 'bench', s.user_id, :finance_id, :gudang_id,
       (b.due - 16)::timestamp AT TIME ZONE 'Asia/Jakarta', (b.due - 13)::timestamp AT TIME ZONE 'Asia/Jakarta',
       (b.due - 15)::timestamp AT TIME ZONE 'Asia/Jakarta', (b.due - 14)::timestamp AT TIME ZONE 'Asia/Jakarta',
       (b.due - 13)::timestamp AT TIME ZONE 'Asia/Jakarta', (b.due - 13)::timestamp AT TIME ZONE 'Asia/Jakarta'
FROM bench_gen b JOIN bench_stokis s ON s.k = b.g % :nstokis;
SELECT setval(pg_get_serial_sequence('purchase_orders', 'id'), (SELECT max(id) FROM purchase_orders));

INSERT INTO invoices (number, purchase_order_id, stokis_id, issue_date, due_date, total, paid, status,
                      created_at, updated_at)
SELECT 'INV/' || to_char(b.due - 14, 'YYYY/MM') || '/' || (100000 + b.g),
       :po_base + b.g, s.id, b.due - 14, b.due, b.total, 0, 'UNPAID',
       (b.due - 14)::timestamp AT TIME ZONE 'Asia/Jakarta', (b.due - 14)::timestamp AT TIME ZONE 'Asia/Jakarta'
FROM bench_gen b JOIN bench_stokis s ON s.k = b.g % :nstokis;

SELECT indexdef FROM bench_indexes \gexec
SET session_replication_role = DEFAULT;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM invoices i LEFT JOIN purchase_orders p ON p.id = i.purchase_order_id
             LEFT JOIN stokis s ON s.id = i.stokis_id WHERE p.id IS NULL OR s.id IS NULL)
     OR EXISTS (SELECT 1 FROM purchase_orders p LEFT JOIN stokis s ON s.id = p.stokis_id
                LEFT JOIN users u ON u.id = p.created_by WHERE s.id IS NULL OR u.id IS NULL) THEN
    RAISE EXCEPTION 'generated invoices or purchase orders refer to missing rows';
  END IF;
END $$;
