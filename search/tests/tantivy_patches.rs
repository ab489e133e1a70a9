//! The vendored tantivy (`vendor/tantivy-0.27.0`, see its PATCHES.md) answers with an error
//! or leaves a value out where upstream panicked: values of types JSON cannot hold inside a
//! JSON field, and `create_writer` of the built-in plugins.

use allmende_search::tantivy::schema::{FAST, Facet, OwnedValue, STORED, Schema, TEXT};
use allmende_search::tantivy::{
    Index, IndexWriter, PluginWriterContext, SegmentPlugin, TantivyDocument, Term,
    collector::Count, query::TermQuery, schema::IndexRecordOption,
};

#[test]
fn json_values_json_cannot_hold_are_left_out_not_a_panic() {
    let mut builder = Schema::builder();
    let attrs = builder.add_json_field("attrs", TEXT | STORED | FAST);
    let index = Index::create_in_ram(builder.build());
    let mut writer: IndexWriter = index.writer(15_000_000).unwrap();
    let odd = [
        OwnedValue::Facet(Facet::from("/category/collaboration")),
        OwnedValue::Bytes(vec![1, 2, 3]),
        OwnedValue::IpAddr(std::net::Ipv6Addr::LOCALHOST),
    ];
    for value in odd {
        let mut doc = TantivyDocument::default();
        doc.add_field_value(
            attrs,
            &OwnedValue::Object(vec![
                ("kind".to_owned(), value),
                ("name".to_owned(), OwnedValue::Str("nextcloud".to_owned())),
            ]),
        );
        writer.add_document(doc).unwrap();
    }
    writer.commit().unwrap();
    let searcher = index.reader().unwrap().searcher();
    // The ordinary values of the same objects are indexed.
    let mut term = Term::from_field_json_path(attrs, "name", false);
    term.append_type_and_str("nextcloud");
    let hits = searcher
        .search(&TermQuery::new(term, IndexRecordOption::Basic), &Count)
        .unwrap();
    assert_eq!(hits, 3);
}

#[test]
fn built_in_plugins_refuse_create_writer_with_an_error() {
    let index = Index::create_in_ram(Schema::builder().build());
    let segment = index.new_segment();
    let ctx = PluginWriterContext {
        segment: &segment,
        memory_budget_in_bytes: 1 << 20,
    };
    let plugins: [&dyn SegmentPlugin; 3] = [
        &allmende_search::tantivy::fastfield::plugin::FastFieldsPlugin,
        &allmende_search::tantivy::store::plugin::StorePlugin,
        &allmende_search::tantivy::index::InvertedIndexPlugin,
    ];
    for plugin in plugins {
        let err = plugin
            .create_writer(&ctx)
            .err()
            .expect("an error, not a writer");
        assert!(err.to_string().contains("is a built-in"), "{err}");
    }
}
