//! Natural order for names that carry numbers, so Year 7 comes before Year 10.
//!
//! Plain string order puts `year-10.md` before `year-7.md`; readers expect 7, 8, 9 ... 13 in
//! menus, lists, check reports and error lists alike.

use std::cmp::Ordering;

/// Compares text with runs of digits taken as numbers: `year-7` < `year-10` < `year-10b`.
/// Letters compare case-insensitively first, so `Vision` sits next to `vision`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    // Skip what the two share (most of two page names, when sorting thousands), but not into a
    // run of digits, which must be read whole, nor into a letter's bytes.
    let mut same = a.bytes().zip(b.bytes()).take_while(|(p, q)| p == q).count();
    while same > 0 && (a.as_bytes()[same - 1].is_ascii_digit() || !a.is_char_boundary(same)) {
        same -= 1;
    }
    let (mut x, mut y) = (&a[same..], &b[same..]);
    loop {
        match (x.chars().next(), y.chars().next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let (n, rest_x) = digits(x);
                let (m, rest_y) = digits(y);
                let by_value = n
                    .trim_start_matches('0')
                    .len()
                    .cmp(&m.trim_start_matches('0').len())
                    .then_with(|| n.trim_start_matches('0').cmp(m.trim_start_matches('0')));
                if by_value != Ordering::Equal {
                    return by_value;
                }
                (x, y) = (rest_x, rest_y);
            }
            (Some(c), Some(d)) => {
                // Sorting thousands of pages spends its time here: the same letter, or two ASCII
                // letters, need no Unicode case tables.
                let by_letter = if c == d {
                    Ordering::Equal
                } else if c.is_ascii() && d.is_ascii() {
                    c.to_ascii_lowercase().cmp(&d.to_ascii_lowercase())
                } else {
                    c.to_lowercase().cmp(d.to_lowercase())
                };
                if by_letter != Ordering::Equal {
                    return by_letter;
                }
                (x, y) = (&x[c.len_utf8()..], &y[d.len_utf8()..]);
            }
        }
    }
}

/// Compares `/`-separated paths folder by folder in [`natural_cmp`] order, which is the order of
/// a walk that visits each folder's entries sorted by name: `a.md` < `b/z.md` < `c.md`.
pub fn natural_path_cmp(a: &str, b: &str) -> Ordering {
    // Folders the two share need no comparing.
    let shared = a.bytes().zip(b.bytes()).take_while(|(p, q)| p == q).count();
    let start = a.as_bytes()[..shared]
        .iter()
        .rposition(|&c| c == b'/')
        .map_or(0, |i| i + 1);
    let (mut x, mut y) = (a[start..].split('/'), b[start..].split('/'));
    loop {
        match (x.next(), y.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) => match natural_cmp(p, q) {
                Ordering::Equal => {}
                other => return other,
            },
        }
    }
}

/// Sorts `items` by `key` in the order `cmp` gives ([`natural_cmp`] or [`natural_path_cmp`]).
/// A byte-order sort first leaves thousands of names nearly in natural order (`page-0001` to
/// `page-9999` agree in both), so the natural sort after it, which finds runs already in order,
/// only mends it with few of its slower comparisons. Both sorts are stable: equal keys keep
/// their order.
pub fn sort_naturally<T>(
    items: &mut [T],
    key: impl Fn(&T) -> &str,
    cmp: fn(&str, &str) -> Ordering,
) {
    items.sort_by(|a, b| key(a).cmp(key(b)));
    items.sort_by(|a, b| cmp(key(a), key(b)));
}

/// The leading run of ASCII digits and what follows it.
fn digits(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_pages_sort_by_their_number() {
        let mut files = vec![
            "programme/year-10.md",
            "programme/year-13.md",
            "programme/year-7.md",
            "programme/year-9.md",
            "programme/year-11.md",
            "programme/year-8.md",
            "programme/year-12.md",
        ];
        files.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            files,
            [
                "programme/year-7.md",
                "programme/year-8.md",
                "programme/year-9.md",
                "programme/year-10.md",
                "programme/year-11.md",
                "programme/year-12.md",
                "programme/year-13.md",
            ]
        );
    }

    #[test]
    fn paths_sort_folder_by_folder_as_a_sorted_walk_visits_them() {
        let mut files = vec![
            "programme/year-10.md",
            "vision.md",
            "programme.md",
            "b/z.md",
            "a.md",
            "programme/year-9.md",
            "c.md",
            "b.md",
        ];
        files.sort_by(|a, b| natural_path_cmp(a, b));
        assert_eq!(
            files,
            [
                "a.md",
                "b/z.md",
                "b.md",
                "c.md",
                "programme/year-9.md",
                "programme/year-10.md",
                "programme.md",
                "vision.md",
            ]
        );
    }

    /// The plain reading of the rule, without the shortcuts: a letter at a time from the start.
    fn reference(a: &str, b: &str) -> Ordering {
        let (mut x, mut y) = (a, b);
        loop {
            match (x.chars().next(), y.chars().next()) {
                (None, None) => return a.cmp(b),
                (None, Some(_)) => return Ordering::Less,
                (Some(_), None) => return Ordering::Greater,
                (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                    let (n, rest_x) = digits(x);
                    let (m, rest_y) = digits(y);
                    let (n, m) = (n.trim_start_matches('0'), m.trim_start_matches('0'));
                    match n.len().cmp(&m.len()).then_with(|| n.cmp(m)) {
                        Ordering::Equal => (x, y) = (rest_x, rest_y),
                        other => return other,
                    }
                }
                (Some(c), Some(d)) => match c.to_lowercase().cmp(d.to_lowercase()) {
                    Ordering::Equal => (x, y) = (&x[c.len_utf8()..], &y[d.len_utf8()..]),
                    other => return other,
                },
            }
        }
    }

    #[test]
    fn the_shortcuts_agree_with_the_plain_rule() {
        let letters = ['a', 'A', 'b', '0', '1', '9', '-', 'é', 'É', 'è', '/'];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let word = |next: &mut dyn FnMut() -> u64| -> String {
            let len = next() % 7;
            (0..len)
                .map(|_| letters[(next() % letters.len() as u64) as usize])
                .collect()
        };
        for _ in 0..20_000 {
            let a = word(&mut next);
            // Half the pairs share a start, as page names do.
            let b = if next() % 2 == 0 {
                let cut = a
                    .char_indices()
                    .nth((next() % 4) as usize)
                    .map_or(a.len(), |(i, _)| i);
                format!("{}{}", &a[..cut], word(&mut next))
            } else {
                word(&mut next)
            };
            assert_eq!(natural_cmp(&a, &b), reference(&a, &b), "{a:?} {b:?}");
            let by_folder = a
                .split('/')
                .zip(b.split('/'))
                .map(|(p, q)| reference(p, q))
                .find(|o| o.is_ne())
                .unwrap_or_else(|| a.split('/').count().cmp(&b.split('/').count()));
            assert_eq!(natural_path_cmp(&a, &b), by_folder, "{a:?} {b:?}");
        }
    }

    #[test]
    fn text_without_numbers_keeps_alphabetical_order() {
        assert_eq!(natural_cmp("guidance.md", "vision.md"), Ordering::Less);
        assert_eq!(natural_cmp("Vision", "apple"), Ordering::Greater);
        assert_eq!(natural_cmp("a", "a"), Ordering::Equal);
        assert_eq!(natural_cmp("year-7", "year-07"), Ordering::Greater);
        assert_eq!(natural_cmp("parents", "parents-pl"), Ordering::Less);
        // Case is compared last, in ASCII and beyond it.
        assert_eq!(natural_cmp("Page-2", "page-10"), Ordering::Less);
        assert_eq!(natural_cmp("Vision", "vision"), "Vision".cmp("vision"));
        assert_eq!(natural_cmp("Ésta", "ésta"), "Ésta".cmp("ésta"));
        assert_eq!(natural_cmp("Éclair", "eclair"), Ordering::Greater);
        // A shared start that ends inside a number or a letter is read whole.
        assert_eq!(natural_cmp("page-19", "page-100"), Ordering::Less);
        assert_eq!(natural_cmp("page-100", "page-19"), Ordering::Greater);
        assert_eq!(natural_cmp("page-007", "page-7"), "page-007".cmp("page-7"));
        assert_eq!(natural_cmp("café-2", "cafè-10"), "é".cmp("è"));
        assert_eq!(natural_cmp("año 9", "año 10"), Ordering::Less);
    }
}
