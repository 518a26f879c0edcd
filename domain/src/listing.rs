//! What the list queries share: the ILIKE pattern of a search box's text, and one page of a
//! filtered list with the number of rows matching on all pages.

use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgConnection, Postgres, QueryBuilder};

/// `%text%` for ILIKE from a search box's text, trimmed, with the pattern characters (`\`, `%`,
/// `_`) taken literally; `None` when the text is blank, so the list is not filtered.
pub(crate) fn like_pattern(q: &str) -> Option<String> {
    let q = q.trim();
    if q.is_empty() {
        return None;
    }
    Some(format!(
        "%{}%",
        q.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    ))
}

/// One page of a list: `count_sql` (`SELECT count(*) FROM …`) and `select_sql` (`SELECT … FROM
/// …`), each followed by the same conditions from `scope` (which starts with ` WHERE`), the rows
/// ordered by `order_by` (without `ORDER BY`), `limit` from `offset`. Returns the rows and the
/// count over every page.
pub(crate) async fn page<T>(
    conn: &mut PgConnection,
    count_sql: &str,
    select_sql: &str,
    scope: impl Fn(&mut QueryBuilder<Postgres>),
    order_by: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<T>, i64), sqlx::Error>
where
    T: for<'r> FromRow<'r, PgRow> + Send + Unpin,
{
    let mut count = QueryBuilder::new(count_sql);
    scope(&mut count);
    let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;
    let mut qb = QueryBuilder::new(select_sql);
    scope(&mut qb);
    qb.push(" ORDER BY ")
        .push(order_by)
        .push(" LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    let rows = qb.build_query_as().fetch_all(&mut *conn).await?;
    Ok((rows, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(like_pattern("50%_a").as_deref(), Some("%50\\%\\_a%"));
        assert_eq!(like_pattern(" a\\b ").as_deref(), Some("%a\\\\b%"));
    }

    #[test]
    fn blank_text_filters_nothing() {
        assert_eq!(like_pattern(""), None);
        assert_eq!(like_pattern("  \t "), None);
    }
}
