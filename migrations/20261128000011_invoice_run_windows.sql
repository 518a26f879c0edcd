-- The daily run no longer keeps a ledger row per invoice and milestone. A milestone (a reminder
-- N days before a due date, an overdue alert N days after it) falls on a date; a run tells
-- about the milestones dated after the previous completed run's `as_of` and up to its own, so
-- which invoices those are follows from their due dates and the runs table alone. That is what
-- made the ledger cost 780,000 rows on a book of a million invoices (more than the overdue
-- marking itself) while telling nothing the due dates did not.

-- as_of: the Jakarta date the run worked as of (a run for a missed day that runs late works as
-- of the day it runs). Runs so far started at 09:00 on the day they worked for.
ALTER TABLE invoice_runs ADD COLUMN as_of DATE;
UPDATE invoice_runs SET as_of = (started_at AT TIME ZONE 'Asia/Jakarta')::date;
ALTER TABLE invoice_runs ALTER COLUMN as_of SET NOT NULL;
CREATE INDEX invoice_runs_done_as_of_idx ON invoice_runs (as_of) WHERE status = 'DONE';

DROP TABLE invoice_notices;
