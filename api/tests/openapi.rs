//! `schemas/openapi.json` (checked in, what clients and the site's modules rely on) must be
//! exactly what the server publishes at `/api/v1/openapi.json`.
//! Regenerate: `ALLMENDE_WRITE_OPENAPI=1 cargo test -p allmende-api --test openapi`.

mod common;

use std::path::PathBuf;

fn checked_in() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schemas/openapi.json")
}

#[test]
fn checked_in_description_matches_the_generated_one() {
    let generated = allmende_api::openapi::json();
    if std::env::var_os("ALLMENDE_WRITE_OPENAPI").is_some() {
        std::fs::write(checked_in(), &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(checked_in()).unwrap_or_default();
    assert!(
        on_disk == generated,
        "schemas/openapi.json is out of date.\n  hint: regenerate it with `ALLMENDE_WRITE_OPENAPI=1 cargo test -p allmende-api --test openapi` and commit the file"
    );
}

#[test]
fn the_server_publishes_the_same_description() {
    let s = common::start(common::Backend::Sqlite);
    let r = s.get("/openapi.json", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.text, allmende_api::openapi::json());
    let spec = r.json();
    assert_eq!(spec["openapi"], "3.1.0");
    assert_eq!(spec["servers"][0]["url"], "/api/v1");
    // Every operation documents its problem responses with the Problem schema.
    let problem_ref = "#/components/schemas/Problem";
    let text = r.text.clone();
    assert!(text.contains(problem_ref));
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
}
