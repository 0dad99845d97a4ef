//! A knowledge import file in JSON, as `POST /api/v1/bots/{bot}/knowledge/import` and
//! `vigie import` read it (byte order mark dropped, parsed, validated as a whole). Nothing
//! may panic, and a file accepted exports to a JSON file that imports to the same items.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;
use vigie::domain::knowledge::validate_import;
use vigie::domain::knowledge_file::{export_csv, export_json, parse_csv, parse_json};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Ok(parsed) = parse_json(text) else {
        return;
    };
    let Ok(items) = validate_import(&parsed.docs, &HashMap::new()) else {
        return;
    };
    if !parsed.errors.is_empty() {
        return;
    }
    let exported = export_json(&items);
    let again = parse_json(&exported).expect("an export parses");
    assert!(again.errors.is_empty(), "{:?}", again.errors);
    let again = validate_import(&again.docs, &HashMap::new()).expect("an export validates");
    assert_eq!(again, items, "JSON export → import changed the items");
    // The same items through CSV.
    let csv = export_csv(&items);
    let back = parse_csv(&csv).expect("a CSV export parses");
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    let back = validate_import(&back.docs, &HashMap::new()).expect("a CSV export validates");
    assert_eq!(back, items, "CSV export → import changed the items");
});
