//! The schema: every table the kiosk keeps, as numbered migrations.

/// Migrations, applied in order; `PRAGMA user_version` records how many have run.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: triage answers, availability, bookings and the drop-in queue.
    "
    CREATE TABLE triage (
        id            INTEGER PRIMARY KEY,
        token         TEXT NOT NULL UNIQUE,
        year_group    INTEGER NOT NULL CHECK (year_group BETWEEN 7 AND 13),
        extra_support INTEGER NOT NULL CHECK (extra_support IN (0, 1)),
        score         INTEGER NOT NULL,
        max_score     INTEGER NOT NULL,
        rag           TEXT NOT NULL CHECK (rag IN ('red', 'amber', 'green')),
        minutes       INTEGER NOT NULL CHECK (minutes > 0),
        created_at    TEXT NOT NULL
    );
    CREATE TABLE triage_option (
        triage_id     INTEGER NOT NULL REFERENCES triage(id) ON DELETE CASCADE,
        option_id     TEXT NOT NULL,
        label         TEXT NOT NULL,
        consideration TEXT NOT NULL CHECK (consideration IN ('definitely', 'considering', 'not')),
        PRIMARY KEY (triage_id, option_id)
    );
    CREATE TABLE triage_answer (
        triage_id   INTEGER NOT NULL REFERENCES triage(id) ON DELETE CASCADE,
        question_id TEXT NOT NULL,
        question    TEXT NOT NULL,
        answer      TEXT NOT NULL,
        score       INTEGER NOT NULL,
        PRIMARY KEY (triage_id, question_id)
    );
    CREATE TABLE availability (
        id         INTEGER PRIMARY KEY,
        day        TEXT NOT NULL,
        start_min  INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
        end_min    INTEGER NOT NULL CHECK (end_min > start_min AND end_min <= 1440),
        created_at TEXT NOT NULL
    );
    CREATE INDEX availability_day ON availability(day);
    CREATE TABLE booking (
        id           INTEGER PRIMARY KEY,
        reference    TEXT NOT NULL UNIQUE,
        day          TEXT NOT NULL,
        start_min    INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
        end_min      INTEGER NOT NULL CHECK (end_min > start_min AND end_min <= 1440),
        first_name   TEXT NOT NULL,
        surname      TEXT NOT NULL,
        tutor_group  TEXT NOT NULL,
        triage_id    INTEGER REFERENCES triage(id) ON DELETE SET NULL,
        form_id      TEXT UNIQUE,
        created_at   TEXT NOT NULL,
        cancelled_at TEXT
    );
    CREATE UNIQUE INDEX booking_active_slot ON booking(day, start_min) WHERE cancelled_at IS NULL;
    CREATE INDEX booking_day ON booking(day);
    CREATE TABLE queue_entry (
        id          INTEGER PRIMARY KEY,
        day         TEXT NOT NULL,
        number      INTEGER NOT NULL CHECK (number > 0),
        first_name  TEXT NOT NULL,
        tutor_group TEXT NOT NULL,
        joined_at   TEXT NOT NULL,
        seen_at     TEXT,
        left_at     TEXT,
        UNIQUE (day, number)
    );
    ",
    // 2: the form a quick check or a queue place came from, so the same form sent twice (a
    // double tap, or Back and Reload) is stored once.
    "
    ALTER TABLE triage ADD COLUMN form_id TEXT;
    CREATE UNIQUE INDEX triage_form_id ON triage(form_id);
    ALTER TABLE queue_entry ADD COLUMN form_id TEXT;
    CREATE UNIQUE INDEX queue_entry_form_id ON queue_entry(form_id);
    ",
    // 3: the staff side: accounts and sign-in, the audit log, students, guidance records with
    // their agreed actions, follow-ups, and the diary the adviser keeps in the browser.
    "
    CREATE TABLE staff (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role          TEXT NOT NULL CHECK (role IN ('leader', 'adviser', 'tutor')),
        password_hash TEXT NOT NULL,
        created_at    TEXT NOT NULL
    );
    CREATE TABLE staff_group (
        staff_id    INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        tutor_group TEXT NOT NULL COLLATE NOCASE,
        PRIMARY KEY (staff_id, tutor_group)
    );
    CREATE TABLE staff_session (
        token      TEXT PRIMARY KEY,
        staff_id   INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        last_seen  TEXT NOT NULL
    );
    CREATE TABLE sign_in_failure (
        id      INTEGER PRIMARY KEY,
        account TEXT NOT NULL COLLATE NOCASE,
        client  TEXT NOT NULL,
        at      TEXT NOT NULL
    );
    CREATE INDEX sign_in_failure_at ON sign_in_failure(at);
    CREATE TABLE student (
        id               INTEGER PRIMARY KEY,
        first_name       TEXT NOT NULL,
        surname          TEXT NOT NULL,
        tutor_group      TEXT NOT NULL,
        year_group       INTEGER CHECK (year_group BETWEEN 7 AND 13),
        additional_needs INTEGER NOT NULL DEFAULT 0 CHECK (additional_needs IN (0, 1)),
        created_at       TEXT NOT NULL,
        UNIQUE (first_name COLLATE NOCASE, surname COLLATE NOCASE, tutor_group COLLATE NOCASE)
    );
    ALTER TABLE triage ADD COLUMN student_id INTEGER REFERENCES student(id) ON DELETE SET NULL;
    ALTER TABLE booking ADD COLUMN student_id INTEGER REFERENCES student(id) ON DELETE SET NULL;
    ALTER TABLE queue_entry ADD COLUMN student_id INTEGER REFERENCES student(id) ON DELETE SET NULL;
    ALTER TABLE queue_entry ADD COLUMN called_at TEXT;
    CREATE TABLE audit_log (
        id         INTEGER PRIMARY KEY,
        at         TEXT NOT NULL,
        staff_id   INTEGER REFERENCES staff(id) ON DELETE SET NULL,
        staff_name TEXT NOT NULL,
        action     TEXT NOT NULL,
        record     TEXT NOT NULL,
        student_id INTEGER REFERENCES student(id) ON DELETE SET NULL,
        detail     TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_log_student ON audit_log(student_id);
    CREATE TABLE guidance (
        id                 INTEGER PRIMARY KEY,
        student_id         INTEGER NOT NULL REFERENCES student(id) ON DELETE CASCADE,
        booking_id         INTEGER UNIQUE REFERENCES booking(id) ON DELETE SET NULL,
        queue_entry_id     INTEGER UNIQUE REFERENCES queue_entry(id) ON DELETE SET NULL,
        held_on            TEXT NOT NULL,
        adviser_id         INTEGER REFERENCES staff(id) ON DELETE SET NULL,
        notes              TEXT NOT NULL,
        destination        TEXT NOT NULL
            CHECK (destination IN ('education', 'apprenticeship', 'employment', 'other', 'undecided')),
        destination_detail TEXT NOT NULL DEFAULT '',
        meeting_by_16      INTEGER NOT NULL DEFAULT 0 CHECK (meeting_by_16 IN (0, 1)),
        meeting_by_18      INTEGER NOT NULL DEFAULT 0 CHECK (meeting_by_18 IN (0, 1)),
        version            INTEGER NOT NULL DEFAULT 1,
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL
    );
    CREATE INDEX guidance_student ON guidance(student_id);
    CREATE TABLE guidance_action (
        id          INTEGER PRIMARY KEY,
        guidance_id INTEGER NOT NULL REFERENCES guidance(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        text        TEXT NOT NULL,
        done_on     TEXT
    );
    CREATE TABLE follow_up (
        id          INTEGER PRIMARY KEY,
        guidance_id INTEGER NOT NULL UNIQUE REFERENCES guidance(id) ON DELETE CASCADE,
        due_on      TEXT NOT NULL,
        done_on     TEXT,
        done_by     INTEGER REFERENCES staff(id) ON DELETE SET NULL,
        referred_back INTEGER NOT NULL DEFAULT 0 CHECK (referred_back IN (0, 1)),
        referral_closed_on TEXT,
        note        TEXT NOT NULL DEFAULT '',
        version     INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX follow_up_due ON follow_up(due_on);
    CREATE TABLE follow_up_answer (
        follow_up_id INTEGER NOT NULL REFERENCES follow_up(id) ON DELETE CASCADE,
        question_id  TEXT NOT NULL,
        question     TEXT NOT NULL,
        answer       TEXT NOT NULL,
        PRIMARY KEY (follow_up_id, question_id)
    );
    CREATE TABLE usual_week (
        id        INTEGER PRIMARY KEY,
        weekday   INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
        start_min INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
        end_min   INTEGER NOT NULL CHECK (end_min > start_min AND end_min <= 1440)
    );
    CREATE TABLE diary_block (
        id         INTEGER PRIMARY KEY,
        first_day  TEXT NOT NULL,
        last_day   TEXT NOT NULL CHECK (last_day >= first_day),
        reason     TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE setting (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    ",
    // 4: the clash check's index: a day's active bookings with their ends (and `cancelled_at`,
    // which the check names), so checking a slot reads only the index, not each earlier booking
    // of the day; and the audit log by time, for the check that a refused sign-in is logged
    // once per pause.
    "
    CREATE INDEX booking_active_span ON booking(day, start_min, end_min, cancelled_at)
        WHERE cancelled_at IS NULL;
    CREATE INDEX audit_log_at ON audit_log(at);
    ",
];

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;
