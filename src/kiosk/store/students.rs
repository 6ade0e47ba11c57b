//! Students: one row per young person the staff side has a record for, found by first name,
//! surname and tutor group (ignoring case and extra spaces), so the bookings, drop-in visits
//! and quick checks a student made on the kiosk under the same name meet on one record.

use rusqlite::{params, Connection, OptionalExtension};
use time::{Date, PrimitiveDateTime};

use super::{now_text, Db, StoreError};
use crate::kiosk::domain::{parse_iso_date, Rag, YearGroup};

/// Who a student is, as typed on the kiosk or the guidance form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentName {
    /// First name.
    pub first_name: String,
    /// Surname.
    pub surname: String,
    /// Tutor group, e.g. "10A".
    pub tutor_group: String,
}

impl StudentName {
    /// Tidies each part (spaces trimmed and collapsed), so "  ada  " and "Ada" meet.
    pub fn new(first_name: &str, surname: &str, tutor_group: &str) -> StudentName {
        StudentName {
            first_name: collapse(first_name),
            surname: collapse(surname),
            tutor_group: collapse(tutor_group),
        }
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A student's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Student {
    /// Row id.
    pub id: i64,
    /// Name and tutor group.
    pub name: StudentName,
    /// Year group, when a quick check told us.
    pub year: Option<YearGroup>,
    /// Staff have recorded that the student has additional needs: a yes or no, never a
    /// diagnosis (special category data, so it is never shown on the student screen).
    pub additional_needs: bool,
}

/// One quick check on a student's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOnRecord {
    /// The day it was done.
    pub day: Date,
    /// The year group the student gave.
    pub year: YearGroup,
    /// The result.
    pub rag: Rag,
}

const STUDENT_COLUMNS: &str = "id, first_name, surname, tutor_group, year_group, additional_needs";

fn student_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Student> {
    let year: Option<u8> = r.get(4)?;
    Ok(Student {
        id: r.get(0)?,
        name: StudentName {
            first_name: r.get(1)?,
            surname: r.get(2)?,
            tutor_group: r.get(3)?,
        },
        year: year.and_then(|y| YearGroup::new(y).ok()),
        additional_needs: r.get(5)?,
    })
}

/// Reads a date column stored as `YYYY-MM-DD` (or a timestamp starting with one).
pub(super) fn date_column(text: &str) -> Result<Date, StoreError> {
    parse_iso_date(text.get(..10).unwrap_or(text)).map_err(|_| StoreError::BadValue(text.into()))
}

/// Finds the student with this name and tutor group, or adds them; records the year group
/// when one is known. Every booking with the same name not yet on a record joins this one.
/// Runs inside the caller's write transaction.
pub(super) fn find_or_create(
    tx: &Connection,
    name: &StudentName,
    year: Option<YearGroup>,
    now: PrimitiveDateTime,
) -> Result<i64, StoreError> {
    let found: Option<i64> = tx
        .query_row(
            "SELECT id FROM student WHERE first_name = ?1 COLLATE NOCASE
               AND surname = ?2 COLLATE NOCASE AND tutor_group = ?3 COLLATE NOCASE",
            params![name.first_name, name.surname, name.tutor_group],
            |r| r.get(0),
        )
        .optional()?;
    let id = match found {
        Some(id) => id,
        None => {
            tx.execute(
                "INSERT INTO student (first_name, surname, tutor_group, year_group, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    name.first_name,
                    name.surname,
                    name.tutor_group,
                    year.map(YearGroup::get),
                    now_text(now)
                ],
            )?;
            tx.last_insert_rowid()
        }
    };
    if let Some(y) = year {
        tx.execute(
            "UPDATE student SET year_group = ?2 WHERE id = ?1",
            params![id, y.get()],
        )?;
    }
    tx.execute(
        "UPDATE booking SET student_id = ?1 WHERE student_id IS NULL
           AND first_name = ?2 COLLATE NOCASE AND surname = ?3 COLLATE NOCASE
           AND tutor_group = ?4 COLLATE NOCASE",
        params![id, name.first_name, name.surname, name.tutor_group],
    )?;
    tx.execute(
        "UPDATE triage SET student_id = ?1 WHERE student_id IS NULL
           AND id IN (SELECT triage_id FROM booking WHERE student_id = ?1)",
        [id],
    )?;
    Ok(id)
}

impl Db {
    /// One student's row.
    pub fn student(&self, id: i64) -> Result<Option<Student>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {STUDENT_COLUMNS} FROM student WHERE id = ?1"),
                [id],
                student_from_row,
            )
            .optional()?)
    }

    /// Records whether student `id` has additional needs; false when there is no such student.
    pub fn set_additional_needs(&mut self, id: i64, needs: bool) -> Result<bool, StoreError> {
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE student SET additional_needs = ?2 WHERE id = ?1",
            params![id, needs],
        )?;
        tx.commit()?;
        Ok(changed == 1)
    }

    /// Students whose name or tutor group contains `words` (each word must match somewhere),
    /// by tutor group and name; at most `limit`.
    pub fn search_students(&self, words: &str, limit: usize) -> Result<Vec<Student>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {STUDENT_COLUMNS} FROM student
             ORDER BY tutor_group COLLATE NOCASE, surname COLLATE NOCASE, first_name COLLATE NOCASE"
        ))?;
        let wanted: Vec<String> = words.split_whitespace().map(str::to_lowercase).collect();
        let mut out = Vec::new();
        for s in stmt.query_map([], student_from_row)? {
            let s = s?;
            let hay = format!(
                "{} {} {}",
                s.name.first_name, s.name.surname, s.name.tutor_group
            )
            .to_lowercase();
            if wanted.iter().all(|w| hay.contains(w.as_str())) {
                out.push(s);
                if out.len() == limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// The quick checks linked to a student (directly or through their bookings), oldest first.
    pub fn checks_of(&self, student_id: i64) -> Result<Vec<CheckOnRecord>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT created_at, year_group, rag FROM triage
             WHERE student_id = ?1
                OR id IN (SELECT triage_id FROM booking WHERE student_id = ?1)
             ORDER BY created_at, id",
        )?;
        let rows = stmt.query_map([student_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, year, rag) = row?;
            out.push(CheckOnRecord {
                day: date_column(&at)?,
                year,
                rag,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kiosk::store::Store;
    use time::macros::datetime;

    #[test]
    fn the_same_student_is_found_whatever_the_case_and_spaces() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::init(&dir.path().join("k.db")).unwrap();
        let mut db = store.open().unwrap();
        let now = datetime!(2026-12-01 10:00);
        let tx = db.write().unwrap();
        let a =
            find_or_create(&tx, &StudentName::new("Ada", "Lovelace", "10A"), None, now).unwrap();
        let year = YearGroup::new(10).ok();
        let b = find_or_create(
            &tx,
            &StudentName::new("  ada ", "LOVELACE", " 10a"),
            year,
            now,
        )
        .unwrap();
        let c =
            find_or_create(&tx, &StudentName::new("Ada", "Lovelace", "10B"), None, now).unwrap();
        tx.commit().unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        let s = db.student(a).unwrap().unwrap();
        assert_eq!(s.name.first_name, "Ada", "the first spelling is kept");
        assert_eq!(s.year, year, "the year group is filled in once known");
        let found = db.search_students("lovelace 10a", 10).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, a);
        assert_eq!(db.search_students("lovelace", 10).unwrap().len(), 2);
    }
}
