//! Failed sign-ins, kept just long enough to throttle guessing (see
//! [`throttle`](crate::kiosk::staff::throttle)): one row per failure, by the name typed and the
//! client's address, pruned as soon as it can no longer count.

use rusqlite::params;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use time::macros::format_description;
use time::{Duration, PrimitiveDateTime};

use super::{now_text, Db, StoreError};

/// A time as the store writes it (`now_text`), read back as a date and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp(pub PrimitiveDateTime);

impl FromSql for Stamp {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        PrimitiveDateTime::parse(
            text,
            format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
        )
        .map(Stamp)
        .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

/// The failures that may still count against one account name and one client address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecentFailures {
    /// Failures for the name typed, oldest first.
    pub account: Vec<PrimitiveDateTime>,
    /// Failures from the client's address, oldest first (empty when the address is unknown).
    pub client: Vec<PrimitiveDateTime>,
}

impl Db {
    /// Records a failed sign-in and forgets failures older than `keep`, which can no longer
    /// count towards a lock.
    pub fn record_sign_in_failure(
        &mut self,
        account: &str,
        client: Option<&str>,
        now: PrimitiveDateTime,
        keep: Duration,
    ) -> Result<(), StoreError> {
        let tx = self.write()?;
        tx.execute(
            "DELETE FROM sign_in_failure WHERE at < ?1",
            [now_text(now - keep)],
        )?;
        tx.execute(
            "INSERT INTO sign_in_failure (account, client, at) VALUES (?1, ?2, ?3)",
            params![account.trim(), client.unwrap_or(""), now_text(now)],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The failures within `keep` of `now` for this name and this client address.
    pub fn recent_sign_in_failures(
        &self,
        account: &str,
        client: Option<&str>,
        now: PrimitiveDateTime,
        keep: Duration,
    ) -> Result<RecentFailures, StoreError> {
        let since = now_text(now - keep);
        let times = |column: &str, key: &str| -> Result<Vec<PrimitiveDateTime>, StoreError> {
            let mut st = self.conn.prepare_cached(&format!(
                "SELECT at FROM sign_in_failure WHERE {column} = ?1 AND at >= ?2 ORDER BY at, id"
            ))?;
            let rows = st
                .query_map(params![key, since], |r| r.get::<_, Stamp>(0))?
                .map(|s| s.map(|s| s.0))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        };
        Ok(RecentFailures {
            account: times("account", account.trim())?,
            client: match client {
                Some(c) => times("client", c)?,
                None => Vec::new(),
            },
        })
    }

    /// Forgets an account's failures: it has just signed in, or been given a new password.
    pub fn clear_sign_in_failures(&mut self, account: &str) -> Result<(), StoreError> {
        let tx = self.write()?;
        tx.execute(
            "DELETE FROM sign_in_failure WHERE account = ?1",
            [account.trim()],
        )?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::kiosk::store::Store;

    #[test]
    fn failures_are_kept_by_name_and_address_and_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::init(&dir.path().join("k.db")).unwrap();
        let mut db = store.open().unwrap();
        let t0 = datetime!(2026-12-01 08:00);
        let keep = Duration::minutes(30);
        db.record_sign_in_failure("Ms Patel", Some("10.0.0.1"), t0, keep)
            .unwrap();
        db.record_sign_in_failure("mr khan", Some("10.0.0.2"), t0 + Duration::minutes(1), keep)
            .unwrap();
        let f = db
            .recent_sign_in_failures(
                " ms patel",
                Some("10.0.0.2"),
                t0 + Duration::minutes(2),
                keep,
            )
            .unwrap();
        assert_eq!(f.account, vec![t0], "names compare without case");
        assert_eq!(f.client, vec![t0 + Duration::minutes(1)]);
        let none = db
            .recent_sign_in_failures("Ms Patel", None, t0, keep)
            .unwrap();
        assert!(none.client.is_empty());
        // A failure 40 minutes on prunes the first two.
        let later = t0 + Duration::minutes(40);
        db.record_sign_in_failure("Someone", None, later, keep)
            .unwrap();
        let rows: i64 = db
            .conn
            .query_row("SELECT COUNT(*) FROM sign_in_failure", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1);
        db.clear_sign_in_failures("SOMEONE").unwrap();
        let rows: i64 = db
            .conn
            .query_row("SELECT COUNT(*) FROM sign_in_failure", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 0);
    }
}
