//! Working out free guidance slots from the adviser's availability and the bookings already
//! made. Pure functions, so the slot rules are tested without a database.

use time::{Date, PrimitiveDateTime};

use super::config::WeeklyWindow;
use super::domain::{ClockTime, Slot};

/// A stretch of one day, `[start, end)` in minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Window {
    /// First minute.
    pub start: u16,
    /// Minute just after the end.
    pub end: u16,
}

/// The usual weekly windows that fall on `day`.
pub fn weekly_for(pattern: &[WeeklyWindow], day: Date) -> Vec<Window> {
    pattern
        .iter()
        .filter(|w| w.day.weekday() == day.weekday())
        .map(|w| Window {
            start: w.from.minutes(),
            end: w.to.minutes(),
        })
        .collect()
}

/// Sorts and joins touching or overlapping windows.
pub fn merge(mut windows: Vec<Window>) -> Vec<Window> {
    windows.retain(|w| w.end > w.start);
    windows.sort();
    let mut out: Vec<Window> = Vec::with_capacity(windows.len());
    for w in windows {
        match out.last_mut() {
            Some(last) if w.start <= last.end => last.end = last.end.max(w.end),
            _ => out.push(w),
        }
    }
    out
}

/// True if `want` lies wholly inside the union of `windows`.
pub fn covers(windows: &[Window], want: Window) -> bool {
    merge(windows.to_vec())
        .iter()
        .any(|w| w.start <= want.start && want.end <= w.end)
}

/// The free slots of one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaySlots {
    /// The day.
    pub day: Date,
    /// Free slots, in time order.
    pub slots: Vec<Slot>,
}

/// Free slots of `minutes` length, starting every `step` minutes inside each day's availability,
/// not overlapping any booking, and starting after `now`.
pub fn free_slots(
    days: &[(Date, Vec<Window>)],
    booked: &[(Date, Window)],
    minutes: u16,
    step: u16,
    now: PrimitiveDateTime,
) -> Vec<DaySlots> {
    let step = step.max(1);
    let mut out = Vec::new();
    for (day, windows) in days {
        if *day < now.date() {
            continue;
        }
        let now_min = if *day == now.date() {
            Some(u16::from(now.hour()) * 60 + u16::from(now.minute()))
        } else {
            None
        };
        let taken: Vec<Window> = booked
            .iter()
            .filter(|(d, _)| d == day)
            .map(|(_, w)| *w)
            .collect();
        let mut slots = Vec::new();
        for w in merge(windows.clone()) {
            let mut start = w.start;
            while u32::from(start) + u32::from(minutes) <= u32::from(w.end) {
                let end = start + minutes;
                let future = match now_min {
                    Some(n) => start > n,
                    None => true,
                };
                let clash = taken.iter().any(|t| t.start < end && t.end > start);
                if future && !clash {
                    if let Ok(start) = ClockTime::from_minutes(start) {
                        slots.push(Slot {
                            day: *day,
                            start,
                            minutes,
                        });
                    }
                }
                start += step;
            }
        }
        if !slots.is_empty() {
            out.push(DaySlots { day: *day, slots });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn w(a: u16, b: u16) -> Window {
        Window { start: a, end: b }
    }

    #[test]
    fn merging_joins_overlaps() {
        assert_eq!(
            merge(vec![
                w(600, 660),
                w(540, 600),
                w(700, 720),
                w(710, 800),
                w(5, 5)
            ]),
            vec![w(540, 660), w(700, 800)]
        );
        assert!(covers(&[w(540, 600), w(600, 660)], w(570, 630)));
        assert!(!covers(&[w(540, 600), w(610, 660)], w(570, 630)));
    }

    #[test]
    fn slots_skip_bookings_and_the_past() {
        let day = date!(2026 - 12 - 01);
        let days = vec![(day, vec![w(540, 660)])];
        let booked = vec![(day, w(560, 590))];
        let now = datetime!(2026-12-01 08:00);
        let got = free_slots(&days, &booked, 30, 10, now);
        let starts: Vec<String> = got[0].slots.iter().map(|s| s.start.to_string()).collect();
        // 09:00 would run into the 09:20 booking; the first free start is 09:50.
        assert_eq!(starts, ["09:50", "10:00", "10:10", "10:20", "10:30"]);
        let later = datetime!(2026-12-01 10:05);
        let got = free_slots(&days, &booked, 30, 10, later);
        assert_eq!(got[0].slots.len(), 3);
        let next_day = datetime!(2026-12-02 08:00);
        assert!(free_slots(&days, &booked, 30, 10, next_day).is_empty());
        // A 60-minute session needs an hour free.
        let got = free_slots(&days, &[], 60, 30, now);
        let starts: Vec<String> = got[0].slots.iter().map(|s| s.start.to_string()).collect();
        assert_eq!(starts, ["09:00", "09:30", "10:00"]);
    }
}
