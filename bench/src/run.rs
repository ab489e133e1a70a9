//! Running one command as one child process and reading its own resource use: wall time
//! and peak resident set size from `wait4` on that child's pid (not `RUSAGE_CHILDREN`,
//! whose maximum is over every child reaped so far).

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Run {
    pub wall: Duration,
    /// User + system CPU time of the child (all its threads).
    pub cpu: Duration,
    /// Peak resident set size of the child, bytes.
    pub max_rss: u64,
    /// Exit code; `None` when a signal ended the child.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The status and the last lines the child wrote, for an error message.
    pub fn failure(&self, what: &str) -> String {
        let status = match self.code {
            Some(c) => format!("exit code {c}"),
            None => "killed by a signal".to_owned(),
        };
        let tail: Vec<&str> = self
            .stderr
            .lines()
            .chain(self.stdout.lines())
            .rev()
            .take(10)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("{what} failed ({status}):\n  {}", tail.join("\n  "))
    }
}

/// Runs `cmd` to its end with stdin closed and stdout/stderr captured.
pub fn run(cmd: &mut Command) -> Result<Run, String> {
    let name = format!("{:?}", cmd.get_program());
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {name}: {e}"))?;
    let pid = libc::pid_t::try_from(child.id()).map_err(|e| e.to_string())?;
    let (Some(mut out), Some(mut err)) = (child.stdout.take(), child.stderr.take()) else {
        return Err("child without pipes".into());
    };
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let mut stdout = Vec::new();
    let _ = out.read_to_end(&mut stdout);
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data; zero is a valid value for every field.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: valid pointers to locals; `pid` is our own child, not yet reaped (std's
        // `Child` is never waited on and is dropped below without touching the pid).
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4 on {name}: {e}"));
        }
    }
    let wall = started.elapsed();
    drop(child);
    let stderr = err_reader.join().unwrap_or_default();
    let tv = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    Ok(Run {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        // Linux reports kibibytes.
        max_rss: u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024,
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    })
}

/// Runs `make()` once to warm up (file cache hot, as in CI reruns), then `runs` times;
/// `before` runs ahead of each (e.g. to empty an output folder). Fails on an exit code
/// above `max_ok` or a signal.
pub fn repeat(
    what: &str,
    runs: usize,
    max_ok: i32,
    mut before: impl FnMut(usize) -> Result<(), String>,
    mut make: impl FnMut(usize) -> Command,
) -> Result<Vec<Run>, String> {
    let mut done = Vec::new();
    for i in 0..=runs {
        before(i)?;
        let r = run(&mut make(i))?;
        if r.code.is_none_or(|c| c > max_ok) {
            return Err(r.failure(what));
        }
        eprintln!(
            "  {what}: {} {:.3} s wall, {:.3} s CPU, {:.0} MiB",
            if i == 0 {
                "warm-up".to_owned()
            } else {
                format!("run {i}/{runs}")
            },
            r.wall.as_secs_f64(),
            r.cpu.as_secs_f64(),
            mib(r.max_rss)
        );
        if i > 0 {
            done.push(r);
        }
    }
    Ok(done)
}

pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Median, min and max wall time, median CPU time and the highest peak RSS of `runs`
/// (not empty).
pub struct Stats {
    pub median: Duration,
    pub cpu: Duration,
    pub min: Duration,
    pub max: Duration,
    pub max_rss: u64,
}

pub fn stats(runs: &[Run]) -> Stats {
    let mut walls: Vec<Duration> = runs.iter().map(|r| r.wall).collect();
    walls.sort();
    let mut cpus: Vec<Duration> = runs.iter().map(|r| r.cpu).collect();
    cpus.sort();
    Stats {
        median: walls[walls.len() / 2],
        cpu: cpus[cpus.len() / 2],
        min: walls[0],
        max: walls[walls.len() - 1],
        max_rss: runs.iter().map(|r| r.max_rss).max().unwrap_or(0),
    }
}
