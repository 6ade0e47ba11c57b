//! Natural order for names that carry numbers, so Year 7 comes before Year 10.
//!
//! Plain string order puts `year-10.md` before `year-7.md`; readers expect 7, 8, 9 ... 13 in
//! menus, lists, check reports and error lists alike.

use std::cmp::Ordering;

/// Compares text with runs of digits taken as numbers: `year-7` < `year-10` < `year-10b`.
/// Letters compare case-insensitively first, so `Vision` sits next to `vision`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a, b);
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
                let by_letter = c.to_lowercase().cmp(d.to_lowercase());
                if by_letter != Ordering::Equal {
                    return by_letter;
                }
                (x, y) = (&x[c.len_utf8()..], &y[d.len_utf8()..]);
            }
        }
    }
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
    fn text_without_numbers_keeps_alphabetical_order() {
        assert_eq!(natural_cmp("guidance.md", "vision.md"), Ordering::Less);
        assert_eq!(natural_cmp("Vision", "apple"), Ordering::Greater);
        assert_eq!(natural_cmp("a", "a"), Ordering::Equal);
        assert_eq!(natural_cmp("year-7", "year-07"), Ordering::Greater);
        assert_eq!(natural_cmp("parents", "parents-pl"), Ordering::Less);
    }
}
