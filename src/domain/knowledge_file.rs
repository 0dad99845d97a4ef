//! Import and export files for knowledge: JSON (`{"knowledge": [...]}`) and CSV (one item
//! per line; list fields separated by `|`). Parsing reports every problem with where it
//! is (item index or line), so a file can be fixed in one go.

use super::knowledge::{FieldError, ImportError, KnowledgeDoc, KnowledgeItem};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Serialize)]
struct ExportFile<'a> {
    knowledge: Vec<&'a KnowledgeDoc>,
}

fn file_error(code: &'static str, message: String) -> Vec<ImportError> {
    vec![ImportError::at(
        "file",
        None,
        FieldError::new("file", message).code(code),
    )]
}

/// Documents read from a file (not yet validated), and the problems met reading it.
/// Reading goes on past a bad item so that every problem of the file is reported at once;
/// `unreadable_ids` holds the ids of items that could not be read, so that links to them
/// are not reported as dangling on top.
#[derive(Debug, Default)]
pub struct Parsed {
    pub docs: Vec<(String, KnowledgeDoc)>,
    pub errors: Vec<ImportError>,
    pub unreadable_ids: Vec<String>,
}

/// Parses a JSON import file into located documents (not yet validated).
pub fn parse_json(text: &str) -> Result<Parsed, Vec<ImportError>> {
    #[derive(Deserialize)]
    struct File {
        knowledge: Vec<serde_json::Value>,
    }
    let file: File = serde_json::from_str(text).map_err(|e| {
        file_error(
            "file_not_json",
            format!("not a valid knowledge file: {e} (expected {{\"knowledge\": [...]}})"),
        )
    })?;
    let mut parsed = Parsed::default();
    for (i, value) in file.knowledge.into_iter().enumerate() {
        let id = value.get("id").and_then(|v| v.as_str()).map(str::to_string);
        match serde_json::from_value::<KnowledgeDoc>(value) {
            Ok(doc) => parsed.docs.push((format!("item {i}"), doc)),
            Err(e) => {
                parsed.unreadable_ids.extend(id.clone());
                parsed.errors.push(ImportError::at(
                    format!("item {i}"),
                    id,
                    FieldError::new("item", e.to_string())
                        .code("item_unreadable")
                        .param("detail", e.to_string()),
                ))
            }
        }
    }
    Ok(parsed)
}

const CSV_HEADERS: [&str; 10] = [
    "id",
    "title",
    "lang",
    "formulations",
    "answer",
    "related",
    "handoff",
    "tags",
    "published",
    "translations",
];

/// A CSV list column: items separated by `|`; `\|` is a `|` inside an item (what the
/// export writes for one), any other backslash is itself.
fn split_list(s: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut item = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                item.push('|');
                chars.next();
            }
            '|' => items.push(std::mem::take(&mut item)),
            c => item.push(c),
        }
    }
    items.push(item);
    items
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// The inverse of [`split_list`]: items joined with ` | `, a `|` inside one written `\|`.
fn join_list<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|i| i.as_ref().replace('|', "\\|"))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// `en:password-reset | fr:mot-de-passe`: the translations column.
fn split_translations(s: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for pair in split_list(s) {
        let Some((lang, id)) = pair.split_once(':') else {
            return Err(format!(
                "`{pair}` is not a `lang:id` pair (example: `en:password-reset`)"
            ));
        };
        out.insert(lang.trim().to_string(), id.trim().to_string());
    }
    Ok(out)
}

fn parse_bool(s: &str, default: bool) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" => Ok(default),
        "true" | "1" | "yes" | "oui" => Ok(true),
        "false" | "0" | "no" | "non" => Ok(false),
        other => Err(format!("`{other}` is not true or false")),
    }
}

/// Parses a CSV import file. Required columns: id, title, lang, answer; optional:
/// formulations, related, tags (lists separated by `|`), handoff, published, translations
/// (`lang:id` pairs separated by `|`).
pub fn parse_csv(text: &str) -> Result<Parsed, Vec<ImportError>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| file_error("csv_header", format!("cannot read the CSV header: {e}")))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let missing: Vec<&str> = ["id", "title", "lang", "answer"]
        .into_iter()
        .filter(|c| col(c).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(file_error(
            "csv_columns",
            format!(
                "missing CSV column(s): {} (columns: {})",
                missing.join(", "),
                CSV_HEADERS.join(",")
            ),
        ));
    }
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                errors.push(ImportError::at(
                    format!("line {line}"),
                    None,
                    FieldError::new("line", e.to_string())
                        .code("line_unreadable")
                        .param("detail", e.to_string()),
                ));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let location = format!("line {line}");
        let get = |name: &str| {
            col(name)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_string()
        };
        let id = get("id");
        let mut bool_field = |name: &str, default: bool| match parse_bool(&get(name), default) {
            Ok(b) => b,
            Err(m) => {
                errors.push(ImportError::at(
                    location.clone(),
                    Some(id.clone()),
                    FieldError::new(name, m).code("bool_invalid"),
                ));
                default
            }
        };
        let handoff = bool_field("handoff", false);
        let published = bool_field("published", true);
        let translations = match split_translations(&get("translations")) {
            Ok(t) => t,
            Err(m) => {
                errors.push(ImportError::at(
                    location.clone(),
                    Some(id.clone()),
                    FieldError::new("translations", m).code("translations_invalid"),
                ));
                BTreeMap::new()
            }
        };
        docs.push((
            location.clone(),
            KnowledgeDoc {
                id: id.clone(),
                title: get("title"),
                lang: get("lang"),
                formulations: split_list(&get("formulations")),
                answer: get("answer"),
                related: split_list(&get("related")),
                handoff,
                tags: split_list(&get("tags")),
                published,
                translations,
            },
        ));
    }
    Ok(Parsed {
        docs,
        errors,
        unreadable_ids: Vec::new(),
    })
}

pub fn export_json(items: &[KnowledgeItem]) -> String {
    let docs: Vec<KnowledgeDoc> = items.iter().map(KnowledgeItem::to_doc).collect();
    let file = ExportFile {
        knowledge: docs.iter().collect(),
    };
    serde_json::to_string_pretty(&file).expect("knowledge serializes") + "\n"
}

pub fn export_csv(items: &[KnowledgeItem]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADERS).expect("write to memory");
    for it in items {
        let translations: Vec<String> = it
            .translations
            .iter()
            .map(|(l, id)| format!("{}:{id}", l.as_str()))
            .collect();
        w.write_record([
            it.id.as_str(),
            &it.title,
            it.lang.as_str(),
            &join_list(&it.formulations),
            &it.answer,
            &join_list(&it.related),
            if it.handoff { "true" } else { "false" },
            &join_list(&it.tags),
            if it.published { "true" } else { "false" },
            &join_list(&translations),
        ])
        .expect("write to memory");
    }
    String::from_utf8(w.into_inner().expect("flush to memory")).expect("csv is utf-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_are_located() {
        let parsed = parse_json(r#"{"knowledge": [{"id": "a"}, {"id": "b", "title": "t", "lang": "fr", "answer": "x", "bogus": 1}]}"#).unwrap();
        assert_eq!(parsed.unreadable_ids, ["a", "b"]);
        let errs = parsed.errors;
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].location, "item 0");
        assert!(errs[0].message.contains("title"), "{:?}", errs[0]);
        assert!(errs[1].message.contains("bogus"), "{:?}", errs[1]);
        let errs = parse_json("{not json").unwrap_err();
        assert!(errs[0].message.contains("line 1"), "{:?}", errs[0]);
    }

    /// Found by the `knowledge_json` fuzz target: a formulation holding `|` came back from a
    /// CSV export as two formulations.
    #[test]
    fn a_pipe_inside_a_list_item_survives_csv() {
        let items = [
            "mot-de-passe||oublié",
            "a | b",
            "C:\\Users\\",
            "x\\|y",
            "plain",
        ];
        let joined = join_list(&items);
        assert_eq!(split_list(&joined), items);
        // Files written by hand keep working: a lone backslash is itself.
        assert_eq!(split_list("C:\\temp | a\\b"), ["C:\\temp", "a\\b"]);
    }

    #[test]
    fn csv_round_trip() {
        let doc = KnowledgeDoc {
            id: "vpn".into(),
            title: "VPN, \"connexion\"".into(),
            lang: "fr".into(),
            formulations: vec!["le vpn ne marche pas".into(), "vpn ko".into()],
            answer: "Ligne 1\nLigne 2".into(),
            related: vec!["wifi".into()],
            handoff: false,
            tags: vec!["réseau".into()],
            published: true,
            translations: [("en".to_string(), "vpn-en".to_string())].into(),
        };
        let item = doc.validate().unwrap();
        let csv = export_csv(std::slice::from_ref(&item));
        let back = parse_csv(&csv).unwrap().docs;
        assert_eq!(back[0].1, doc);
        assert_eq!(back[0].0, "line 2");
    }

    #[test]
    fn csv_bad_bool_and_missing_column() {
        let errs = parse_csv("id,title,lang,answer,handoff\na,T,fr,x,maybe\n")
            .unwrap()
            .errors;
        assert_eq!(errs[0].location, "line 2");
        assert_eq!(errs[0].field, "handoff");
        let errs = parse_csv("id,title,lang,answer,translations\na,T,fr,x,en-b\n")
            .unwrap()
            .errors;
        assert_eq!(errs[0].field, "translations");
        assert!(errs[0].message.contains("lang:id"), "{errs:?}");
        let errs = parse_csv("id,title\na,b\n").unwrap_err();
        assert!(errs[0].message.contains("lang"));
    }
}
