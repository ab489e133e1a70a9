//! The `allmende` command as a library, so end-to-end tests and benchmarks drive the same
//! code as the binary.

pub mod api;
pub mod catalogue;
pub mod check;
pub mod cli;
pub mod config;
pub mod mapped;
pub mod markup;
pub mod report;
pub mod serve;
pub mod site;
