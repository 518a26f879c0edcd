//! Bulk loading for the seed: rows encoded in PostgreSQL's COPY text format, sent in chunks.
//!
//! COPY is an order of magnitude faster than INSERT for the bench data set, and writing rows into
//! a byte buffer that is flushed every few megabytes keeps memory flat however many rows there are.

use chrono::{NaiveDate, NaiveDateTime};
use sqlx::PgConnection;

/// Every timestamp the seed makes is an Asia/Jakarta wall-clock time; Jakarta has no DST.
const JAKARTA_OFFSET: &str = "+07";

/// A value that can be written as one COPY text field.
pub(crate) trait Field {
    fn put(&self, out: &mut Vec<u8>);
}

impl Field for i64 {
    fn put(&self, out: &mut Vec<u8>) {
        use std::io::Write;
        // Writing into a Vec cannot fail.
        let _ = write!(out, "{self}");
    }
}

impl Field for i32 {
    fn put(&self, out: &mut Vec<u8>) {
        i64::from(*self).put(out);
    }
}

impl Field for bool {
    fn put(&self, out: &mut Vec<u8>) {
        out.push(if *self { b't' } else { b'f' });
    }
}

impl Field for str {
    fn put(&self, out: &mut Vec<u8>) {
        for &b in self.as_bytes() {
            match b {
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\t' => out.extend_from_slice(b"\\t"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                _ => out.push(b),
            }
        }
    }
}

impl Field for String {
    fn put(&self, out: &mut Vec<u8>) {
        self.as_str().put(out);
    }
}

impl Field for std::borrow::Cow<'_, str> {
    fn put(&self, out: &mut Vec<u8>) {
        self.as_ref().put(out);
    }
}

impl<T: Field + ?Sized> Field for &T {
    fn put(&self, out: &mut Vec<u8>) {
        (**self).put(out);
    }
}

impl<T: Field> Field for Option<T> {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            Some(v) => v.put(out),
            None => out.extend_from_slice(b"\\N"),
        }
    }
}

/// A Jakarta wall-clock time, written with its offset so the server stores the right instant.
impl Field for NaiveDateTime {
    fn put(&self, out: &mut Vec<u8>) {
        use std::io::Write;
        let _ = write!(out, "{}{JAKARTA_OFFSET}", self.format("%Y-%m-%d %H:%M:%S"));
    }
}

impl Field for NaiveDate {
    fn put(&self, out: &mut Vec<u8>) {
        use std::io::Write;
        let _ = write!(out, "{}", self.format("%Y-%m-%d"));
    }
}

/// Rows for one `COPY table (columns) FROM STDIN` statement.
pub(crate) struct Table {
    statement: String,
    columns: usize,
    data: Vec<u8>,
    rows: u64,
    pending: u64,
}

/// Flush a table once its buffer passes this size: big enough for COPY to stream well, small
/// enough that the bench set never holds more than a few buffers of rows.
pub(crate) const FLUSH_BYTES: usize = 4 << 20;

impl Table {
    pub(crate) fn new(table: &str, columns: &[&str]) -> Self {
        Table {
            statement: format!("COPY {table} ({}) FROM STDIN", columns.join(", ")),
            columns: columns.len(),
            data: Vec::with_capacity(64 << 10),
            rows: 0,
            pending: 0,
        }
    }

    /// Appends one row; `fields` must match the column list given to [`Table::new`].
    pub(crate) fn row(&mut self, fields: &[&dyn Field]) {
        debug_assert_eq!(fields.len(), self.columns, "{}", self.statement);
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                self.data.push(b'\t');
            }
            f.put(&mut self.data);
        }
        self.data.push(b'\n');
        self.rows += 1;
        self.pending += 1;
    }

    pub(crate) fn is_full(&self) -> bool {
        self.data.len() >= FLUSH_BYTES
    }

    /// Rows appended so far, flushed or not.
    pub(crate) fn rows(&self) -> u64 {
        self.rows
    }

    /// Takes the encoded rows not yet sent, leaving the buffer empty (for a writer on another thread).
    pub(crate) fn take(&mut self) -> Chunk {
        self.pending = 0;
        Chunk {
            statement: self.statement.clone(),
            data: std::mem::take(&mut self.data),
        }
    }

    /// Sends the rows not yet sent.
    pub(crate) async fn flush(&mut self, conn: &mut PgConnection) -> sqlx::Result<()> {
        if self.pending == 0 {
            return Ok(());
        }
        self.take().send(conn).await
    }
}

/// Encoded rows for one table, ready to send.
pub(crate) struct Chunk {
    statement: String,
    data: Vec<u8>,
}

impl Chunk {
    pub(crate) async fn send(self, conn: &mut PgConnection) -> sqlx::Result<()> {
        if self.data.is_empty() {
            return Ok(());
        }
        let mut copy = conn.copy_in_raw(&self.statement).await?;
        if let Err(e) = copy.send(self.data).await {
            // Leave the connection usable: the transaction is rolled back by the caller anyway.
            let _ = copy.abort(e.to_string()).await;
            return Err(e);
        }
        copy.finish().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_text_format() {
        let mut t = Table::new("t", &["a", "b", "c", "d", "e"]);
        let ts = NaiveDate::from_ymd_opt(2026, 1, 2)
            .and_then(|d| d.and_hms_opt(3, 4, 5))
            .expect("valid");
        let none: Option<i64> = None;
        t.row(&[&7i64, &"a\tb\\c\nd", &none, &ts, &true]);
        let chunk = t.take();
        assert_eq!(chunk.statement, "COPY t (a, b, c, d, e) FROM STDIN");
        assert_eq!(
            String::from_utf8(chunk.data).expect("utf8"),
            "7\ta\\tb\\\\c\\nd\t\\N\t2026-01-02 03:04:05+07\tt\n"
        );
        assert_eq!(t.rows(), 1);
    }
}
