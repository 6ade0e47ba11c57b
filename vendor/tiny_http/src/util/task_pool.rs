use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

/// Manages a collection of threads.
///
/// A new thread is created every time all the existing threads are busy, up to a bound.
/// Any idle thread above the minimum dies after a few seconds.
///
/// Patched: the count of idle threads is kept under the same lock as the queue and a task is
/// queued only when an idle thread is left over for it. Upstream counted a thread that had been
/// woken but had not yet taken its task as idle, so a burst of long-lived connections (a browser
/// opening six at once) could leave one queued behind the others until one closed. The pool
/// is also bounded: [`TaskPool::spawn`] hands the task back when it is full.
pub struct TaskPool {
    sharing: Arc<Sharing>,
    max_threads: usize,
}

/// What a task is: run once on a pool thread.
pub type Task = Box<dyn FnOnce() + Send>;

struct State {
    // tasks waiting for a thread; never more than `idle`
    todo: VecDeque<Task>,
    // threads that exist
    total: usize,
    // threads that will take a queued task without being started: waiting, woken but not yet
    // holding the lock, or still starting up
    idle: usize,
    // set when the pool is dropped
    closing: bool,
}

struct Sharing {
    state: Mutex<State>,
    // notified whenever a task is added to `todo`
    condvar: Condvar,
}

/// Minimum number of threads kept waiting.
const MIN_THREADS: usize = 4;
/// How long a thread above the minimum waits for work before it ends.
const IDLE_LIFETIME: Duration = Duration::from_secs(5);

impl Sharing {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl TaskPool {
    /// A pool that never runs more than `max_threads` tasks at once.
    pub fn new(max_threads: usize) -> TaskPool {
        let pool = TaskPool {
            sharing: Arc::new(Sharing {
                state: Mutex::new(State {
                    todo: VecDeque::new(),
                    total: 0,
                    idle: 0,
                    closing: false,
                }),
                condvar: Condvar::new(),
            }),
            max_threads: max_threads.max(1),
        };

        for _ in 0..MIN_THREADS.min(pool.max_threads) {
            let mut state = pool.sharing.lock();
            if pool.add_thread(&mut state, None).is_err() {
                break;
            }
        }

        pool
    }

    /// Runs `task` on an idle thread or a new one; hands it back if the pool is full or no
    /// thread can be started.
    pub fn spawn(&self, task: Task) -> Result<(), Task> {
        let mut state = self.sharing.lock();
        if state.idle > state.todo.len() {
            state.todo.push_back(task);
            self.sharing.condvar.notify_one();
            return Ok(());
        }
        if state.total >= self.max_threads {
            return Err(task);
        }
        self.add_thread(&mut state, Some(task))
    }

    fn add_thread(&self, state: &mut State, first: Option<Task>) -> Result<(), Task> {
        let sharing = Arc::clone(&self.sharing);
        let (tx, rx) = std::sync::mpsc::channel::<Task>();
        // A thread started without a task counts as idle from now on, so tasks can be queued
        // for it before it runs.
        let starts_idle = first.is_none();
        let spawned = thread::Builder::new()
            .name("tiny-http-connection".into())
            .spawn(move || {
                if let Ok(task) = rx.recv() {
                    task();
                }
                run(&sharing, starts_idle);
            });
        match spawned {
            Ok(_) => {
                state.total += 1;
                match first {
                    Some(task) => {
                        let _ = tx.send(task);
                    }
                    None => state.idle += 1,
                }
                Ok(())
            }
            Err(_) => Err(first.unwrap_or_else(|| Box::new(|| ()))),
        }
    }
}

/// The loop of a pool thread: take tasks until idle for too long (above the minimum) or closing.
/// A thread stays counted in `idle` from the moment it waits until it takes a task or ends, so
/// `idle` never undercounts threads that will still take a queued task.
fn run(sharing: &Sharing, mut counted_idle: bool) {
    let mut state = sharing.lock();
    loop {
        if let Some(task) = state.todo.pop_front() {
            if counted_idle {
                state.idle -= 1;
                counted_idle = false;
            }
            drop(state);
            task();
            state = sharing.lock();
            continue;
        }
        if state.closing {
            break;
        }
        if !counted_idle {
            state.idle += 1;
            counted_idle = true;
        }
        let (next, waited) = sharing
            .condvar
            .wait_timeout(state, IDLE_LIFETIME)
            .unwrap_or_else(|p| p.into_inner());
        state = next;
        if waited.timed_out() && state.todo.is_empty() && state.total > MIN_THREADS {
            break;
        }
    }
    if counted_idle {
        state.idle -= 1;
    }
    state.total -= 1;
}

impl Drop for TaskPool {
    fn drop(&mut self) {
        self.sharing.lock().closing = true;
        self.sharing.condvar.notify_all();
    }
}
