//! Vigie: a self-hosted chatbot and live-chat platform.
//!
//! Layers, from the inside out (a layer uses only the ones above it in this list; the
//! README's "Layout" says which exactly):
//! - `domain`: types and rules, no I/O; `vigie_bot` (its own crate): the matching engine;
//! - `auth` (passwords and tokens), `config` (settings), `bus` (events between
//!   connections and nodes), `store` (SQLite/PostgreSQL), `mail` (templates, transports,
//!   the outbox worker), `engines` (the matchers being served);
//! - `service`: the use cases (accounts, knowledge, deploy, chat, livechat, monitored
//!   conversations), all taking one `service::Core`;
//! - `http`: the edge (axum: the JSON API, the two WebSockets, pages), and `cli`: the
//!   `vigie` command;
//! - `app`: the composition root (`launch`: the core, its workers and the HTTP edge).
//!
//! Nothing in `domain`, `store`, `bus`, `mail` or `service` uses `http` or `app`
//! (`scripts/test` checks it).

pub mod app;
pub mod auth;
pub mod bus;
pub mod cli;
pub mod config;
pub mod domain;
pub mod engines;
pub mod http;
pub mod mail;
pub mod service;
pub mod store;

#[cfg(test)]
mod layers {
    //! The layering above, checked on the source: a module may not name a layer it must
    //! not use (`crate::<layer>` outside comments).

    use std::path::{Path, PathBuf};

    /// (module file or folder under `src/`, the layers it must not use)
    const RULES: &[(&str, &[&str])] = &[
        (
            "domain",
            &[
                "store", "bus", "mail", "engines", "auth", "config", "service", "http", "app",
                "cli",
            ],
        ),
        ("store", &["service", "http", "app", "cli"]),
        ("bus.rs", &["service", "http", "app", "cli"]),
        ("mail", &["service", "http", "app", "cli"]),
        ("engines.rs", &["service", "http", "app", "cli"]),
        ("auth.rs", &["service", "http", "app", "cli"]),
        ("config.rs", &["service", "http", "app", "cli"]),
        ("service", &["http", "app", "cli"]),
        ("http", &["app", "cli"]),
    ];

    fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
        if path.is_dir() {
            for entry in std::fs::read_dir(path).expect("readable source folder") {
                rust_files(&entry.expect("folder entry").path(), out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path.to_path_buf());
        }
    }

    #[test]
    fn no_layer_uses_one_above_it() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut broken = Vec::new();
        for (module, forbidden) in RULES {
            let mut files = Vec::new();
            rust_files(&src.join(module), &mut files);
            assert!(!files.is_empty(), "no source for `{module}`");
            for file in files {
                let text = std::fs::read_to_string(&file).expect("readable source");
                for (n, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or("");
                    for layer in *forbidden {
                        let named = [format!("crate::{layer}::"), format!("crate::{layer};")];
                        let grouped = code.contains("crate::{")
                            && code.split(['{', ',', '}']).any(|p| {
                                p.trim() == *layer || p.trim().starts_with(&format!("{layer}::"))
                            });
                        if named.iter().any(|s| code.contains(s.as_str())) || grouped {
                            broken.push(format!(
                                "{}:{}: `{module}` uses `{layer}`",
                                file.display(),
                                n + 1
                            ));
                        }
                    }
                }
            }
        }
        assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
    }
}
