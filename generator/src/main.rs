use clap::Parser;

// Parsing and rendering allocate many small strings from several threads at once; mimalloc
// handles that pattern markedly faster than the system allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

/// Transparent huge pages off for this process. mimalloc asks the kernel for huge pages on
/// its arenas (`MADV_HUGEPAGE`), and a build touches its memory sparsely and briefly: the
/// kernel then zeroed 2 MiB for many a small allocation. Measured with `perf` on a one-entry
/// rebuild of 10,000 entries: page zeroing fell from 28-30 % to under 2 % of the samples,
/// and the CPU time by 10-25 %. Nothing else changes; a failure is ignored.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE takes plain integers and touches no memory.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    no_transparent_huge_pages();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ALLMENDE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = match allmende::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                allmende::cli::EXIT_USAGE
            } else {
                0
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    allmende::cli::run(cli)
}
