//! Load generator for `scripts/bench-kiosk`: plain threads and `TcpStream`s on loopback, bounded
//! in time and in count, so it can run on a shared machine without surprises.
//!
//! ```text
//! kiosk_load get  ADDR CONNS SECS        GET / on CONNS kept-alive connections
//! kiosk_load book ADDR CLIENTS SECS [ROUND ROUNDS]
//!                                        POST /book on CLIENTS kept-alive connections (each
//!                                        confirmed by its redirect to the slip); round ROUND
//!                                        (from 0) of ROUNDS books slots no other round books
//! kiosk_load sqlite DIR CLIENTS SECS     bare single-row commits (WAL, synchronous=FULL) in DIR
//! ```
//!
//! Each prints one line of `key=value` pairs (`ops`, `secs`, `rate`, `median_ms`, `p99_ms`) that
//! the script turns into a table. `book` expects a kiosk started with the benchmark settings that
//! `scripts/bench-kiosk` writes: every day open, 5-minute sessions, 90 days ahead.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// Most operations one thread performs, whatever the time limit.
const MAX_OPS_PER_THREAD: usize = 200_000;
/// Longest a single response may take before the run is abandoned.
const IO_TIMEOUT: Duration = Duration::from_secs(30);
/// The CSRF token every benchmark client uses as both cookie and form field.
const TOKEN: &str = "0123456789abcdef0123456789abcdef";
/// Days after the benchmark's fixed "now" that can be booked (`booking_days_ahead = 90`).
const LAST_DAY: usize = 89;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["get", addr, n, secs] => parse(addr, n, secs).and_then(|(a, n, d)| {
            run_threads(n, d, move |_, stop, ready| {
                http_client(a, stop, ready, page_shown, |_| Some(get_request()))
            })
        }),
        ["book", addr, n, secs] => book(addr, n, secs, "0", "1"),
        ["book", addr, n, secs, round, rounds] => book(addr, n, secs, round, rounds),
        ["sqlite", dir, n, secs] => parse_n(n, secs).and_then(|(n, d)| {
            let dir = PathBuf::from(dir);
            setup_sqlite(&dir)?;
            run_threads(n, d, move |i, stop, ready| sqlite_client(&dir, i, stop, ready))
        }),
        _ => Err(
            "usage: kiosk_load get ADDR N SECS | kiosk_load book ADDR N SECS [ROUND ROUNDS] | kiosk_load sqlite DIR N SECS"
                .into(),
        ),
    };
    if let Err(e) = result {
        eprintln!("kiosk_load: {e}");
        std::process::exit(1);
    }
}

/// Bookings from `n` clients; the clients of round `round` of `rounds` are numbered after the
/// earlier rounds' so that they book slots of their own, never the same form again.
fn book(addr: &str, n: &str, secs: &str, round: &str, rounds: &str) -> Result<(), String> {
    let (a, n, d) = parse(addr, n, secs)?;
    let (round, rounds): (usize, usize) = match (round.parse(), rounds.parse()) {
        (Ok(r), Ok(rs)) if r < rs && rs <= 10 => (r, rs),
        _ => return Err("ROUND must be below ROUNDS, and ROUNDS at most 10".into()),
    };
    run_threads(n, d, move |i, stop, ready| {
        let (client, clients) = (round * n + i, rounds * n);
        http_client(a, stop, ready, booking_confirmed, move |k| {
            book_request(client, clients, k)
        })
    })
}

fn parse_n(n: &str, secs: &str) -> Result<(usize, Duration), String> {
    let n: usize = n.parse().map_err(|_| format!("`{n}` is not a count"))?;
    let secs: f64 = secs
        .parse()
        .map_err(|_| format!("`{secs}` is not seconds"))?;
    if n == 0 || n > 256 || !(0.1..=600.0).contains(&secs) {
        return Err("use 1-256 threads and 0.1-600 seconds".into());
    }
    Ok((n, Duration::from_secs_f64(secs)))
}

fn parse(addr: &str, n: &str, secs: &str) -> Result<(SocketAddr, usize, Duration), String> {
    let a: SocketAddr = addr
        .parse()
        .map_err(|_| format!("`{addr}` is not host:port"))?;
    if !a.ip().is_loopback() {
        return Err("only loopback addresses are allowed".into());
    }
    let (n, d) = parse_n(n, secs)?;
    Ok((a, n, d))
}

/// When an operation ended, and how long it took.
type Op = (Instant, Duration);

/// Runs `n` threads until `dur` has passed; each returns every operation it made. The rate
/// counts the operations that ended between the start and the stop: the clock starts once
/// every thread has connected and waits at `ready` (opening a database can wait on another's
/// lock), and an operation still under way at the stop (a bare SQLite commit can sleep in the
/// busy handler for a tenth of a second) counts in the latencies but not in the rate.
fn run_threads<F>(n: usize, dur: Duration, f: F) -> Result<(), String>
where
    F: Fn(usize, &AtomicBool, &Barrier) -> Result<Vec<Op>, String> + Send + Sync + 'static,
{
    let f = Arc::new(f);
    let stop = Arc::new(AtomicBool::new(false));
    let ready = Arc::new(Barrier::new(n + 1));
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let (f, stop, ready) = (Arc::clone(&f), Arc::clone(&stop), Arc::clone(&ready));
            std::thread::spawn(move || f(i, &stop, &ready))
        })
        .collect();
    ready.wait();
    let began = Instant::now();
    while began.elapsed() < dur && !threads.iter().all(|t| t.is_finished()) {
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::SeqCst);
    let stopped = Instant::now();
    let mut all = Vec::new();
    for t in threads {
        all.extend(
            t.join()
                .map_err(|_| "a client thread panicked".to_string())??,
        );
    }
    let secs = (stopped - began).as_secs_f64();
    let in_time = all.iter().filter(|(end, _)| *end <= stopped).count();
    let mut all: Vec<Duration> = all.into_iter().map(|(_, took)| took).collect();
    if all.is_empty() {
        return Err("no operation completed".into());
    }
    all.sort();
    let pct = |p: f64| all[((all.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1e3;
    println!(
        "ops={in_time} secs={secs:.3} rate={:.1} median_ms={:.3} p99_ms={:.3}",
        in_time as f64 / secs,
        pct(0.5),
        pct(0.99)
    );
    Ok(())
}

fn get_request() -> Vec<u8> {
    b"GET / HTTP/1.1\r\nHost: kiosk\r\n\r\n".to_vec()
}

/// Client `i` of `n` books slot `k` of the days given to it (day `i`, `i+n`, ...), 5-minute
/// sessions from 00:00, so no two clients ever want the same slot. `None` once its days run out.
fn book_request(i: usize, n: usize, k: usize) -> Option<Vec<u8>> {
    const PER_DAY: usize = 287;
    let day = 1 + i + n * (k / PER_DAY);
    if day >= LAST_DAY {
        return None;
    }
    let minute = 5 * (k % PER_DAY);
    let date = time::macros::date!(2026 - 12 - 01) + time::Duration::days(day as i64);
    let slot = format!("{date}T{:02}%3A{:02}", minute / 60, minute % 60);
    let body = format!(
        "csrf={TOKEN}&slot={slot}&form_id={:032x}&first_name=Bench&surname=Client{i}&tutor_group=10B",
        (i << 32) | k
    );
    format!(
        "POST /book HTTP/1.1\r\nHost: kiosk\r\nCookie: signpost_csrf={TOKEN}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
    .into()
}

/// A page answered: 200.
fn page_shown(status: u16, _location: Option<&str>) -> bool {
    status == 200
}

/// A booking confirmed: the kiosk answers the form with a redirect to the slip (Post/Redirect/
/// Get) only once the booking is committed.
fn booking_confirmed(status: u16, location: Option<&str>) -> bool {
    status == 303 && location.is_some_and(|l| l.starts_with("/book/done?"))
}

/// One kept-alive connection sending requests one after another; every answer must be `ok`.
fn http_client(
    addr: SocketAddr,
    stop: &AtomicBool,
    ready: &Barrier,
    ok: fn(u16, Option<&str>) -> bool,
    request: impl Fn(usize) -> Option<Vec<u8>>,
) -> Result<Vec<Op>, String> {
    let connected = connect(addr);
    ready.wait();
    let (mut writer, mut reader) = connected?;
    let mut times = Vec::new();
    for k in 0..MAX_OPS_PER_THREAD {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let Some(bytes) = request(k) else { break };
        let began = Instant::now();
        writer.write_all(&bytes).map_err(|e| format!("send: {e}"))?;
        let (status, location) = read_response(&mut reader)?;
        if !ok(status, location.as_deref()) {
            return Err(format!(
                "request {k} got status {status} (Location: {location:?})"
            ));
        }
        times.push((Instant::now(), began.elapsed()));
    }
    Ok(times)
}

/// A kept-alive connection to `addr`, as a writer and a buffered reader.
fn connect(addr: SocketAddr) -> Result<(TcpStream, BufReader<TcpStream>), String> {
    let stream = TcpStream::connect(addr).map_err(|e| format!("connect {addr}: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(IO_TIMEOUT))
        .map_err(|e| e.to_string())?;
    let writer = stream.try_clone().map_err(|e| e.to_string())?;
    Ok((writer, BufReader::new(stream)))
}

/// Reads one response with a `Content-Length` body and returns its status and `Location`.
fn read_response(r: &mut BufReader<TcpStream>) -> Result<(u16, Option<String>), String> {
    let mut line = String::new();
    let mut status = 0;
    let mut length = None;
    let mut location = None;
    loop {
        line.clear();
        match r.read_line(&mut line) {
            Ok(0) => return Err("the kiosk closed the connection".into()),
            Ok(_) => {}
            Err(e) => return Err(format!("reading the answer: {e}")),
        }
        let l = line.trim_end();
        if status == 0 {
            status = l
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(1);
        } else if l.is_empty() {
            break;
        } else if let Some((n, v)) = l.split_once(':') {
            if n.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse::<usize>().ok();
            } else if n.eq_ignore_ascii_case("location") {
                location = Some(v.trim().to_string());
            } else if n.eq_ignore_ascii_case("transfer-encoding") {
                return Err("chunked answers are not expected from the kiosk's pages".into());
            }
        }
    }
    let n = length.ok_or("an answer without Content-Length")?;
    let mut body = vec![0; n];
    r.read_exact(&mut body)
        .map_err(|e| format!("reading the body: {e}"))?;
    Ok((status, location))
}

fn setup_sqlite(dir: &std::path::Path) -> Result<(), String> {
    let conn = open_sqlite(dir)?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, client INTEGER, v TEXT)",
    )
    .map_err(|e| e.to_string())
}

fn open_sqlite(dir: &std::path::Path) -> Result<rusqlite::Connection, String> {
    let conn = rusqlite::Connection::open(dir.join("bare.db")).map_err(|e| e.to_string())?;
    conn.busy_timeout(Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))
        .map_err(|e| e.to_string())?;
    conn.execute_batch("PRAGMA synchronous=FULL;")
        .map_err(|e| e.to_string())?;
    Ok(conn)
}

/// One connection committing one row per transaction, as the kiosk does per booking.
fn sqlite_client(
    dir: &std::path::Path,
    i: usize,
    stop: &AtomicBool,
    ready: &Barrier,
) -> Result<Vec<Op>, String> {
    let conn = open_sqlite(dir);
    ready.wait();
    let conn = conn?;
    let mut times = Vec::new();
    for k in 0..MAX_OPS_PER_THREAD {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let began = Instant::now();
        conn.execute(
            "INSERT INTO t (client, v) VALUES (?1, ?2)",
            rusqlite::params![i as i64, format!("row {k}")],
        )
        .map_err(|e| e.to_string())?;
        times.push((Instant::now(), began.elapsed()));
    }
    Ok(times)
}
