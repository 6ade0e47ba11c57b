//! CSV files for Excel, Compass+ or the school MIS: UTF-8 with a byte order mark (without it
//! Excel reads UTF-8 as the old Windows code page and mangles names like Zoë), every row the
//! same width, and cells that a spreadsheet would run as a formula made inert.

use std::borrow::Cow;

use crate::kiosk::http::Response;

/// The byte order mark Excel looks for to read a CSV file as UTF-8.
const BOM: &str = "\u{feff}";

/// A table to write: a heading row and the rows under it.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// Column headings.
    pub header: Vec<&'static str>,
    /// The rows, each as wide as the header.
    pub rows: Vec<Vec<String>>,
}

/// Makes a cell safe to open in a spreadsheet: one starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return would be read as a formula (and could run one), so it gets a leading
/// apostrophe, which spreadsheets show as text and do not display.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

impl Sheet {
    /// The file's bytes: BOM, heading, rows, each line ending CRLF as Excel writes them.
    pub fn to_bytes(&self) -> Result<Vec<u8>, csv::Error> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(BOM.as_bytes().to_vec());
        w.write_record(self.header.iter().map(|h| neutralise(h).into_owned()))?;
        for row in &self.rows {
            w.write_record(row.iter().map(|c| neutralise(c).into_owned()))?;
        }
        w.into_inner().map_err(|e| e.into_error().into())
    }
}

/// A download: the file's bytes with a name the browser saves it under.
pub fn attachment(content_type: &str, filename: &str, bytes: &[u8]) -> Response {
    Response::bytes(content_type, bytes).with_header(
        "Content-Disposition",
        &format!("attachment; filename=\"{filename}\""),
    )
}

/// "Yes" or "No", as a spreadsheet column reads best.
pub fn yes_no(b: bool) -> String {
    if b { "Yes" } else { "No" }.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_made_text() {
        for bad in ["=1+1", "+44 7700", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(bad), format!("'{bad}"));
        }
        for fine in ["Ada", "", "1", "a=b", " =x"] {
            assert_eq!(neutralise(fine), fine);
        }
    }

    #[test]
    fn the_file_starts_with_a_bom_and_quotes_what_it_must() {
        let sheet = Sheet {
            header: vec!["Name", "Note"],
            rows: vec![
                vec!["Zoë".into(), "=HYPERLINK(\"x\")".into()],
                vec!["O'Neil, Sam".into(), "line one\nline two".into()],
            ],
        };
        let bytes = sheet.to_bytes().unwrap();
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
        let text = String::from_utf8(bytes).unwrap();
        let text = text.trim_start_matches('\u{feff}');
        assert!(text.starts_with("Name,Note\r\n"), "{text}");
        assert!(
            text.contains("Zoë,\"'=HYPERLINK(\"\"x\"\")\"\r\n"),
            "{text}"
        );
        assert!(
            text.contains("\"O'Neil, Sam\",\"line one\nline two\""),
            "{text}"
        );
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][1], "'=HYPERLINK(\"x\")");
    }
}
