//! Horizontal bar charts drawn on the server as inline SVG, so the reports need no script.
//!
//! Each bar carries its series name and its value as text beside it, and each series has its own
//! black-and-white pattern, so a chart reads the same in greyscale, on a black-and-white printer
//! and to someone who cannot tell colours apart. The chart is an image with an accessible name,
//! described by the table that holds the same figures (its text equivalent).

use std::fmt::Write;

use crate::site::render::escape;

/// Width of the drawing, in SVG units.
const WIDTH: u32 = 640;
/// Where bars start (series names are right-aligned before it).
const BAR_X: u32 = 200;
/// The longest bar, leaving room for the value after it.
const BAR_MAX: u32 = 360;
/// Height of one bar and the gap under it.
const BAR_H: u32 = 20;
const BAR_GAP: u32 = 6;
/// Height of a group's heading line.
const HEAD_H: u32 = 26;

/// The fills, one per series in turn: solid, diagonal hatching, dots, cross-hatching. Each is
/// black on white (or solid dark grey) so it survives greyscale and photocopying.
const PATTERNS: &[&str] = &[
    "",
    r##"<path d="M0 8 L8 0 M-2 2 L2 -2 M6 10 L10 6" stroke="#0b0c0c" stroke-width="2"/>"##,
    r##"<circle cx="4" cy="4" r="1.8" fill="#0b0c0c"/>"##,
    r##"<path d="M0 0 L8 8 M8 0 L0 8" stroke="#0b0c0c" stroke-width="1.2"/>"##,
];

/// A grouped bar chart: for each group (a year group, an option), one bar per series.
#[derive(Debug, Clone)]
pub struct BarChart<'a> {
    /// A prefix for the ids inside the drawing, unique on the page.
    pub id: &'a str,
    /// What the chart shows: its accessible name and visible title.
    pub title: &'a str,
    /// The id of the table with the same figures, the chart's text equivalent.
    pub table_id: &'a str,
    /// The series' names, e.g. Red, Amber, Green.
    pub series: &'a [&'a str],
    /// Each group's label and its values, one per series.
    pub groups: Vec<(String, Vec<i64>)>,
}

impl BarChart<'_> {
    /// The `<svg>` element, every label escaped.
    pub fn svg(&self) -> String {
        let id = escape(self.id);
        let max = self
            .groups
            .iter()
            .flat_map(|(_, v)| v.iter().copied())
            .max()
            .unwrap_or(0);
        let per_group = HEAD_H + self.series.len() as u32 * (BAR_H + BAR_GAP) + 8;
        let empty = max <= 0;
        let height = if empty {
            40
        } else {
            per_group * self.groups.len() as u32 + 4
        };
        let name = if empty {
            format!("{}: no figures for this year", self.title)
        } else {
            format!("{} (the table below gives the figures)", self.title)
        };
        let mut s = String::new();
        let _ = write!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{name}" aria-describedby="{table}" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}"><title>{name}</title>"#,
            name = escape(&name),
            table = escape(self.table_id),
        );
        if empty {
            let _ = write!(
                s,
                r##"<text x="0" y="24" fill="#0b0c0c">No figures for this year.</text></svg>"##
            );
            return s;
        }
        s.push_str("<defs>");
        for (i, p) in PATTERNS.iter().enumerate().skip(1) {
            let _ = write!(
                s,
                r##"<pattern id="{id}-p{i}" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#ffffff"/>{p}</pattern>"##
            );
        }
        s.push_str("</defs>");
        for (g, (label, values)) in self.groups.iter().enumerate() {
            let top = g as u32 * per_group;
            let _ = write!(
                s,
                r##"<text x="0" y="{}" font-weight="700" fill="#0b0c0c">{}</text>"##,
                top + 18,
                escape(label)
            );
            for (i, series) in self.series.iter().enumerate() {
                let value = values.get(i).copied().unwrap_or(0).max(0);
                let y = top + HEAD_H + i as u32 * (BAR_H + BAR_GAP);
                let width = (value as f64 / max as f64 * f64::from(BAR_MAX)).round() as u32;
                let fill = match i % PATTERNS.len() {
                    0 => "#505a5f".to_string(),
                    p => format!("url(#{id}-p{p})"),
                };
                let _ = write!(
                    s,
                    r##"<text x="{}" y="{}" text-anchor="end" fill="#0b0c0c">{}</text>"##,
                    BAR_X - 8,
                    y + 15,
                    escape(series)
                );
                if width > 0 {
                    let _ = write!(
                        s,
                        r##"<rect x="{BAR_X}" y="{y}" width="{width}" height="{BAR_H}" fill="{fill}" stroke="#0b0c0c" stroke-width="1.5"/>"##
                    );
                }
                let _ = write!(
                    s,
                    r##"<text x="{}" y="{}" fill="#0b0c0c">{value}</text>"##,
                    BAR_X + width + 6,
                    y + 15
                );
            }
        }
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(groups: Vec<(String, Vec<i64>)>) -> String {
        BarChart {
            id: "rag",
            title: "Quick checks by year group",
            table_id: "rag-table",
            series: &["Red", "Amber", "Green"],
            groups,
        }
        .svg()
    }

    #[test]
    fn labels_are_escaped() {
        let svg = BarChart {
            id: "r\"x",
            title: "A <b> & 'c'",
            table_id: "t",
            series: &["<script>"],
            groups: vec![("Year <10>".into(), vec![2])],
        }
        .svg();
        assert!(!svg.contains("<script>") && !svg.contains("<b>") && !svg.contains("<10>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("Year &lt;10&gt;"));
        assert!(svg.contains("A &lt;b&gt; &amp; &#39;c&#39;"));
        assert!(svg.contains("id=\"r&quot;x-p1\""));
    }

    #[test]
    fn the_chart_is_a_named_image_described_by_its_table() {
        let svg = chart(vec![("Year 10".into(), vec![3, 1, 0])]);
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(
            r#"aria-label="Quick checks by year group (the table below gives the figures)""#
        ));
        assert!(svg.contains(r#"aria-describedby="rag-table""#));
        assert!(svg.contains("<title>Quick checks by year group"));
        // Every bar is labelled in words, with its value, not only by its fill.
        for word in [
            ">Red<",
            ">Amber<",
            ">Green<",
            ">3<",
            ">1<",
            ">0<",
            ">Year 10<",
        ] {
            assert!(svg.contains(word), "{word} missing in {svg}");
        }
        // Two series, two different patterns besides the solid one.
        assert!(svg.contains("url(#rag-p1)") && !svg.contains("url(#rag-p2)"));
        // The zero bar has no rectangle: three values, two drawn.
        assert_eq!(svg.matches("<rect x=").count(), 2);
    }

    #[test]
    fn bars_are_scaled_to_the_largest_value() {
        let svg = chart(vec![("Year 11".into(), vec![4, 2, 1])]);
        assert!(svg.contains(&format!(r#"width="{BAR_MAX}" height="{BAR_H}""#)));
        assert!(svg.contains(&format!(r#"width="{}" height="{BAR_H}""#, BAR_MAX / 2)));
    }

    #[test]
    fn no_data_says_so_in_words() {
        for groups in [vec![], vec![("Year 7".to_string(), vec![0, 0, 0])]] {
            let svg = chart(groups);
            assert!(svg.contains("No figures for this year."), "{svg}");
            assert!(svg.contains("no figures for this year\""));
            assert!(!svg.contains("NaN") && !svg.contains("<rect"));
        }
    }
}
