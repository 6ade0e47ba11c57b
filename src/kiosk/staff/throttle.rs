//! Sign-in throttling: after [`LIMIT`] failed sign-ins within [`WINDOW`], for one account name
//! or from one client address, further attempts are refused for [`WINDOW`] without the
//! password being checked, so guessing a password at the kiosk takes years rather than hours.
//! The correct password is refused too while locked: otherwise the answer would still tell a
//! guesser when they had it right.

use time::{Duration, PrimitiveDateTime};

use crate::kiosk::store::RecentFailures;

/// Failed sign-ins that lock an account name or a client address.
pub const LIMIT: usize = 5;
/// How close together those failures must be, and how long the lock lasts.
pub const WINDOW: Duration = Duration::minutes(15);
/// How long a failure can matter: it may start a run that locks, and the lock then lasts a
/// window more.
pub const KEEP: Duration = Duration::minutes(30);

/// When the lock ends for these failures, if one is in force at `now`.
pub fn locked_until(
    failures: &RecentFailures,
    now: PrimitiveDateTime,
) -> Option<PrimitiveDateTime> {
    [&failures.account, &failures.client]
        .into_iter()
        .filter_map(|times| lock_end(times))
        .filter(|end| *end > now)
        .max()
}

/// The end of the latest lock one list of failure times (oldest first) sets: each run of
/// [`LIMIT`] failures within [`WINDOW`] locks for [`WINDOW`] from its last failure.
fn lock_end(times: &[PrimitiveDateTime]) -> Option<PrimitiveDateTime> {
    times
        .windows(LIMIT)
        .filter(|run| run[LIMIT - 1] - run[0] <= WINDOW)
        .map(|run| run[LIMIT - 1] + WINDOW)
        .max()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const T0: PrimitiveDateTime = datetime!(2026-12-01 08:00);

    fn at(minutes: &[i64]) -> Vec<PrimitiveDateTime> {
        minutes.iter().map(|m| T0 + Duration::minutes(*m)).collect()
    }

    #[test]
    fn five_failures_within_the_window_lock_for_the_window() {
        let f = RecentFailures {
            account: at(&[0, 1, 2, 3, 10]),
            client: vec![],
        };
        assert_eq!(
            locked_until(&f, T0 + Duration::minutes(11)),
            Some(T0 + Duration::minutes(25))
        );
        assert_eq!(
            locked_until(&f, T0 + Duration::minutes(25)),
            None,
            "over at its end"
        );
    }

    #[test]
    fn four_failures_or_five_spread_out_do_not_lock() {
        let four = RecentFailures {
            account: at(&[0, 1, 2, 3]),
            client: at(&[0, 1, 2, 3]),
        };
        assert_eq!(locked_until(&four, T0 + Duration::minutes(4)), None);
        let spread = RecentFailures {
            account: at(&[0, 4, 8, 12, 16]),
            client: vec![],
        };
        assert_eq!(locked_until(&spread, T0 + Duration::minutes(17)), None);
    }

    #[test]
    fn the_client_address_locks_on_its_own() {
        let f = RecentFailures {
            account: at(&[5]),
            client: at(&[0, 1, 2, 3, 4]),
        };
        assert_eq!(
            locked_until(&f, T0 + Duration::minutes(6)),
            Some(T0 + Duration::minutes(19))
        );
    }
}
