//! The WebAssembly interface: plain C-ABI exports, no generated glue.
//!
//! JS calls `alloc`, copies bytes in, calls `open`/`add_block`/`query`; each call leaves its
//! JSON answer in a result buffer read through `result_ptr`/`result_len`. Answers:
//! `{"ok":…}`, `{"need":[{"file":F,"block":B,"name":"…"}|{"cards":N,"name":"…"}…]}` or
//! `{"error":"…"}`.

use crate::engine::{Engine, Fetch, Outcome};
use allmende_search::SearchResponse;
use serde::Serialize;
use std::cell::RefCell;

thread_local! {
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
    static RESULT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// One answer, serialised as `{"ok":…}`, `{"need":[…]}` or `{"error":"…"}`. Typed rather than
/// built as a `serde_json::Value` tree: the engine then carries no `Value` code (measured in
/// README.md).
#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum Answer<'a> {
    Ok(Payload<'a>),
    Need(Vec<Need>),
    Error(String),
}

#[derive(Serialize)]
#[serde(untagged)]
enum Payload<'a> {
    Opened { blocks: usize },
    Found(&'a SearchResponse),
}

#[derive(Serialize)]
#[serde(untagged)]
enum Need {
    Block {
        file: usize,
        block: usize,
        name: Option<String>,
    },
    Cards {
        cards: usize,
        name: Option<String>,
    },
}

fn answer(value: &Answer<'_>) -> u32 {
    let failed = matches!(value, Answer::Error(_));
    RESULT.with(|r| *r.borrow_mut() = serde_json::to_vec(value).unwrap_or_default());
    u32::from(failed)
}

fn error(message: impl std::fmt::Display) -> u32 {
    answer(&Answer::Error(message.to_string()))
}

/// Takes back a buffer `alloc` handed out and JS filled.
///
/// # Safety
/// `ptr`/`len` must come from one `alloc(len)` call and be used once.
unsafe fn take(ptr: *mut u8, len: usize) -> Vec<u8> {
    if len == 0 {
        return Vec::new();
    }
    unsafe { Vec::from_raw_parts(ptr, len, len) }
}

#[unsafe(no_mangle)]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut v = vec![0u8; len];
    let ptr = v.as_mut_ptr();
    std::mem::forget(v);
    ptr
}

#[unsafe(no_mangle)]
pub extern "C" fn result_ptr() -> *const u8 {
    RESULT.with(|r| r.borrow().as_ptr())
}

#[unsafe(no_mangle)]
pub extern "C" fn result_len() -> usize {
    RESULT.with(|r| r.borrow().len())
}

/// Opens the root file (`root`, `root_len`) for language `lang`. Returns 0 on success.
///
/// # Safety
/// Both buffers must come from `alloc` and are taken over.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn open(
    root: *mut u8,
    root_len: usize,
    lang: *mut u8,
    lang_len: usize,
) -> u32 {
    let root = unsafe { take(root, root_len) };
    let lang = String::from_utf8_lossy(&unsafe { take(lang, lang_len) }).into_owned();
    match Engine::open(root, &lang) {
        Ok(engine) => {
            let blocks = engine
                .directory()
                .manifest()
                .files
                .iter()
                .map(|f| f.blocks.len())
                .sum::<usize>();
            ENGINE.with(|e| *e.borrow_mut() = Some(engine));
            answer(&Answer::Ok(Payload::Opened { blocks }))
        }
        Err(e) => error(e),
    }
}

/// Adds a fetched block. Returns 0 when it was accepted.
///
/// # Safety
/// The buffer must come from `alloc` and is taken over.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn add_block(file: usize, block: usize, ptr: *mut u8, len: usize) -> u32 {
    let bytes = unsafe { take(ptr, len) };
    ENGINE.with(|e| match e.borrow().as_ref() {
        Some(engine) if engine.directory().add_block((file, block), bytes) => 0,
        Some(_) => 1,
        None => 2,
    })
}

/// Adds a fetched card file. Returns 0 when it was accepted.
///
/// # Safety
/// The buffer must come from `alloc` and is taken over.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn add_cards(n: usize, ptr: *mut u8, len: usize) -> u32 {
    let bytes = unsafe { take(ptr, len) };
    ENGINE.with(|e| match e.borrow().as_ref() {
        Some(engine) if engine.add(Fetch::Cards(n), bytes) => 0,
        Some(_) => 1,
        None => 2,
    })
}

/// Runs one attempt of the JSON `SearchRequest` in (`ptr`, `len`). Returns 0 unless the answer
/// is an error.
///
/// # Safety
/// The buffer must come from `alloc` and is taken over.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn query(ptr: *mut u8, len: usize) -> u32 {
    let bytes = unsafe { take(ptr, len) };
    let request = match serde_json::from_slice(&bytes) {
        Ok(r) => r,
        Err(e) => return error(format!("search request: {e}")),
    };
    ENGINE.with(|e| {
        let engine = e.borrow();
        let Some(engine) = engine.as_ref() else {
            return error("no index open");
        };
        match engine.attempt(&request) {
            Ok(Outcome::Done(response)) => answer(&Answer::Ok(Payload::Found(&response))),
            Ok(Outcome::Need(fetches)) => {
                let need: Vec<_> = fetches
                    .into_iter()
                    .map(|f| match f {
                        Fetch::Block((file, block)) => Need::Block {
                            file,
                            block,
                            name: engine.name(f),
                        },
                        Fetch::Cards(cards) => Need::Cards {
                            cards,
                            name: engine.name(f),
                        },
                    })
                    .collect();
                answer(&Answer::Need(need))
            }
            Err(e) => error(e),
        }
    })
}

/// getrandom's hook: the browser's `crypto.getRandomValues`, through the import
/// `env.random_fill`. tantivy asks for randomness only when it creates segments, which the
/// browser never does; the hook exists so the dependency links.
#[unsafe(no_mangle)]
unsafe extern "Rust" fn __getrandom_v03_custom(
    dest: *mut u8,
    len: usize,
) -> Result<(), getrandom::Error> {
    #[link(wasm_import_module = "env")]
    unsafe extern "C" {
        fn random_fill(ptr: *mut u8, len: usize);
    }
    unsafe { random_fill(dest, len) };
    Ok(())
}
