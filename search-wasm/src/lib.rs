//! The catalogue's search in the browser: `allmende-search` over an index that arrives in
//! content-hashed blocks. `pack` (native, used by `allmende build`) writes the root file and
//! the blocks; `lazy`, `cards` and `engine` read them; `ffi` is the WebAssembly interface
//! (`themes/default/static/search/worker.js` is its JS half).

pub mod cards;
pub mod engine;
pub mod lazy;
#[cfg(not(target_arch = "wasm32"))]
pub mod pack;
mod prefetch;
pub mod root;

#[cfg(target_arch = "wasm32")]
mod ffi;
