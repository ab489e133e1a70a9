//! A one-line progress display on a terminal while pages render; silent otherwise, so CI
//! logs and pipes get only the summary line.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub struct Progress {
    pages: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    ticker: Option<JoinHandle<()>>,
}

impl Progress {
    /// Shows progress towards `expected` pages when `show` and stderr is a terminal.
    pub fn start(show: bool, expected: usize) -> Progress {
        let pages = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let ticker = (show && std::io::stderr().is_terminal()).then(|| {
            let (pages, stop) = (pages.clone(), stop.clone());
            std::thread::spawn(move || {
                let started = Instant::now();
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    let n = pages.load(Ordering::Relaxed);
                    // The estimate is rough; never show more than 100 %.
                    let expected = expected.max(n);
                    let width = 30;
                    let done = (n * width / expected.max(1)).min(width);
                    eprint!(
                        "\r[{}{}] {n}/~{expected} pages, {:.1} s ",
                        "#".repeat(done),
                        " ".repeat(width - done),
                        started.elapsed().as_secs_f64()
                    );
                    let _ = std::io::stderr().flush();
                }
                eprint!("\r\x1b[2K");
            })
        });
        Progress {
            pages,
            stop,
            ticker,
        }
    }

    pub fn counter(&self) -> &AtomicUsize {
        &self.pages
    }

    pub fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
    }
}

/// CPU seconds (user + system, all threads) this process has used so far, for the build's
/// debug log (`ALLMENDE_LOG=allmende=debug`): what each phase costs, apart from waiting.
/// Linux only (`/proc/self/stat`, in clock ticks of 1/100 s); elsewhere 0.
pub fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name (which may hold spaces) in parentheses.
            let rest = &s[s.rfind(')')? + 2..];
            let fields: Vec<&str> = rest.split(' ').collect();
            let utime: f64 = fields.get(11)?.parse().ok()?;
            let stime: f64 = fields.get(12)?.parse().ok()?;
            Some((utime + stime) / 100.0)
        })
        .unwrap_or(0.0)
}
