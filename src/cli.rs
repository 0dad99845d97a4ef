//! The `vigie` command line: `serve`, and the admin tasks that work straight on the
//! database (`migrate`, `user add`, `token create`, `bot create`, `knowledge import|export`,
//! `deploy`, `eval`). Each command opens the store with the same settings as the server.

use crate::app;
use crate::config::{redact_url, Settings};
use crate::service::actions::{self, FileFormat};
use crate::service::{ActionError, Core, OrNotFound};
use crate::store::Store;
use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use std::io::Read;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "vigie",
    version,
    about = "Self-hosted chatbot and live-chat platform"
)]
pub struct Cli {
    /// TOML configuration file (default: ./vigie.toml if present). VIGIE_* variables win.
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the server (API, pages, workers).
    Serve {
        /// On the first start (empty database): the first admin's address (else
        /// `admin@vigie.localhost`, the demo default). Also `VIGIE_ADMIN_EMAIL`.
        #[arg(long)]
        admin_email: Option<String>,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Operator accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// API tokens for integrations.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Bots.
    Bot {
        #[command(subcommand)]
        command: BotCommand,
    },
    /// Knowledge import and export.
    Knowledge {
        #[command(subcommand)]
        command: KnowledgeCommand,
    },
    /// Personal data: erase or export everything about a visitor, apply the retention.
    Privacy {
        #[command(subcommand)]
        command: PrivacyCommand,
    },
    /// Make an immutable deployment of a bot's published knowledge.
    Deploy {
        #[arg(long)]
        bot: String,
    },
    /// A consistent copy of the SQLite database, taken while the server runs (PostgreSQL:
    /// use pg_dump, see the README).
    Backup {
        /// The copy to write (must not exist).
        #[arg(long)]
        output: PathBuf,
    },
    /// Replace the SQLite database by a backup (the server must be stopped).
    Restore {
        /// A file written by `vigie backup`.
        #[arg(long)]
        input: PathBuf,
        /// Replace an existing database (refused without it).
        #[arg(long)]
        force: bool,
    },
    /// Measure matching accuracy on a labelled JSONL file.
    Eval {
        #[arg(long)]
        bot: String,
        /// Lines of {"text": "...", "expected": "<knowledge id>" | null}.
        #[arg(long)]
        file: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Language to ask in (default: detected per question).
        #[arg(long)]
        lang: Option<String>,
        /// Also print top-3 accuracy, the most confused pairs of items and per-item
        /// accuracy.
        #[arg(long)]
        report: bool,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add an operator; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "operator")]
        role: String,
        /// Read the password from standard input (required: passwords never go in arguments).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token for an operator and print it once.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "cli")]
        label: String,
        /// What the token may do: operator (full rights), monitored:create, knowledge:read,
        /// knowledge:write, conversations:read.
        #[arg(long, default_value = "operator")]
        scope: String,
    },
}

#[derive(Subcommand)]
pub enum BotCommand {
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "fr")]
        lang: String,
    },
}

#[derive(Subcommand)]
pub enum KnowledgeCommand {
    /// Import a JSON or CSV file (format from --format or the file extension).
    Import {
        #[arg(long)]
        bot: String,
        file: PathBuf,
        #[arg(long)]
        format: Option<String>,
    },
    /// Print the knowledge base as JSON or CSV.
    Export {
        #[arg(long)]
        bot: String,
        #[arg(long, default_value = "json")]
        format: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum PrivacyCommand {
    /// Erase everything stored about a visitor (conversations, messages, mails, offline
    /// messages, ratings, visitor records…); prints the counts. Audited.
    Erase {
        /// The visitor's email address.
        #[arg(long, conflicts_with = "visitor", required_unless_present = "visitor")]
        email: Option<String>,
        /// A visitor id (as the blocks page and the visitor record show it).
        #[arg(long)]
        visitor: Option<i64>,
        /// Only print what would be erased.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print (or write) everything stored about a visitor as one JSON document. Audited.
    Export {
        #[arg(long, conflicts_with = "visitor", required_unless_present = "visitor")]
        email: Option<String>,
        #[arg(long)]
        visitor: Option<i64>,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Apply every bot's retention now (what `vigie serve` does every hour).
    Sweep,
}

/// Action errors, printed for a person at a terminal.
fn explain(e: ActionError) -> anyhow::Error {
    match e {
        ActionError::Invalid(fields) => anyhow::anyhow!(
            "invalid input:\n{}",
            fields
                .iter()
                .map(|f| format!("  {}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        ActionError::InvalidImport(errors) => anyhow::anyhow!(
            "the file was rejected, nothing was imported ({} problem(s)):\n{}",
            errors.len(),
            errors
                .iter()
                .map(|e| format!(
                    "  {}{}: {}: {}",
                    e.location,
                    e.id.as_ref()
                        .map(|i| format!(" (id {i})"))
                        .unwrap_or_default(),
                    e.field,
                    e.message
                ))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        other => anyhow::anyhow!("{other}"),
    }
}

fn init_tracing(default: &str) {
    let mut filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // The HTML parser under ammonia logs every tag it reads at debug level, attributes
    // included: a mail's link (its token) would reach the logs. Whatever the filter says.
    for quiet in ["html5ever=warn", "markup5ever=warn"] {
        if let Ok(d) = quiet.parse() {
            filter = filter.add_directive(d);
        }
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn open(settings: &Settings) -> anyhow::Result<Store> {
    Store::open(&settings.database_url).await.with_context(|| {
        format!(
            "opening the database {}",
            redact_url(&settings.database_url)
        )
    })
}

/// The core the admin commands act through (no server, no workers).
async fn core(settings: &Settings) -> anyhow::Result<Core> {
    Ok(Core::new(open(settings).await?, settings.clone()))
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load(cli.config.as_deref())?;
    match cli.command {
        Command::Serve { admin_email } => {
            let mut settings = settings;
            if admin_email.is_some() {
                settings.admin_email = admin_email;
            }
            serve(settings).await
        }
        Command::Migrate => {
            init_tracing("warn");
            let store = open(&settings).await?;
            store.close().await;
            println!(
                "database {} is up to date",
                redact_url(&settings.database_url)
            );
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    role,
                    password_stdin: _,
                },
        } => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            let core = core(&settings).await?;
            let op = actions::add_operator(&core, &email, &name, &role, password)
                .await
                .map_err(explain)?;
            println!(
                "operator {} <{}> created with role {}",
                op.name, op.email, op.role
            );
            Ok(())
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    email,
                    label,
                    scope,
                },
        } => {
            let core = core(&settings).await?;
            let owner = core
                .store
                .operator_by_email(&email)
                .await
                .or_not_found("operator")
                .map_err(explain)?;
            let (token, _) = crate::service::people::create_token(
                &core,
                &owner,
                &crate::service::audit::Actor::system("cli"),
                &label,
                &scope,
            )
            .await
            .map_err(explain)?;
            println!("{token}");
            eprintln!("Keep this token: it is shown only once. Use it as `Authorization: Bearer <token>`.");
            Ok(())
        }
        Command::Bot {
            command: BotCommand::Create { slug, name, lang },
        } => {
            let core = core(&settings).await?;
            let bot = actions::create_bot(&core, &slug, &name, &lang)
                .await
                .map_err(explain)?;
            println!(
                "bot `{}` created; import knowledge, then `vigie deploy --bot {}`",
                bot.slug, bot.slug
            );
            Ok(())
        }
        Command::Knowledge {
            command: KnowledgeCommand::Import { bot, file, format },
        } => {
            let format = match format {
                Some(f) => FileFormat::parse(&f).map_err(explain)?,
                None => match file.extension().and_then(|e| e.to_str()) {
                    Some("csv") => FileFormat::Csv,
                    Some("json") => FileFormat::Json,
                    _ => bail!(
                        "cannot tell the format of {}: add --format json|csv",
                        file.display()
                    ),
                },
            };
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let core = core(&settings).await?;
            let bot = actions::bot(&core, &bot).await.map_err(explain)?;
            let s = actions::import_knowledge(&core, &bot, format, &text)
                .await
                .map_err(explain)?;
            println!(
                "imported into `{}`: {} created, {} updated, {} unchanged (deploy to serve them)",
                bot.slug, s.created, s.updated, s.unchanged
            );
            Ok(())
        }
        Command::Knowledge {
            command:
                KnowledgeCommand::Export {
                    bot,
                    format,
                    output,
                },
        } => {
            let format = FileFormat::parse(&format).map_err(explain)?;
            let core = core(&settings).await?;
            let bot = actions::bot(&core, &bot).await.map_err(explain)?;
            let text = actions::export_knowledge(&core, &bot, format)
                .await
                .map_err(explain)?;
            match output {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(())
        }
        Command::Privacy { command } => privacy(settings, command).await,
        Command::Backup { output } => {
            init_tracing("warn");
            if !settings.database_url.starts_with("sqlite:") {
                bail!("{PG_BACKUP}");
            }
            let store = open(&settings).await?;
            let done = store.backup_to(&output).await;
            store.close().await;
            done.with_context(|| format!("backing up to {}", output.display()))?;
            println!(
                "backup written to {} (restore it with `vigie restore --input {}`)",
                output.display(),
                output.display()
            );
            Ok(())
        }
        Command::Restore { input, force } => {
            init_tracing("warn");
            let Some(target) = crate::store::sqlite_file(&settings.database_url) else {
                bail!("{PG_RESTORE}");
            };
            crate::store::restore_sqlite(&input, std::path::Path::new(&target), force)
                .await
                .with_context(|| format!("restoring {}", input.display()))?;
            // A backup from an older version gets the newer migrations now.
            let store = open(&settings).await?;
            store.close().await;
            println!("database {target} restored from {}", input.display());
            Ok(())
        }
        Command::Deploy { bot } => {
            let core = core(&settings).await?;
            let bot = actions::bot(&core, &bot).await.map_err(explain)?;
            let done = actions::deploy(&core, &bot, None).await.map_err(explain)?;
            println!(
                "deployed `{}` version {} ({} knowledge items)\n{}\ndeployed URL: {}",
                bot.slug,
                done.deployment.version,
                done.deployment.snapshot.knowledge.len(),
                build_summary(&done.report),
                actions::deployed_url(&public_url_for_links(&settings), &bot)
            );
            Ok(())
        }
        Command::Eval {
            bot,
            file,
            json,
            lang,
            report,
        } => eval(settings, bot, file, json, lang, report).await,
    }
}

/// One line saying what the matcher's build did (time, items, cross-validated accuracy).
pub fn build_summary(r: &crate::engines::BuildReport) -> String {
    let pct = |v: f32| format!("{:.1}%", v * 100.0);
    let trained = match (r.cv_accuracy, r.cv_lexical_accuracy, r.cv_refused) {
        (Some(a), Some(l), Some(o)) => format!(
            "cross-validated accuracy {} (lexical alone {}), out-of-scope refused {}",
            pct(a),
            pct(l),
            pct(o)
        ),
        _ => "too few formulations to train: lexical matcher".to_string(),
    };
    format!(
        "matcher built in {} ms: {} items, {} texts; {trained}; model: {} ({:.1} MB for this bot's meaning side)",
        r.millis,
        r.items,
        r.texts,
        r.model,
        r.meaning_bytes as f64 / 1e6
    )
}

async fn eval(
    settings: Settings,
    bot: String,
    file: PathBuf,
    json: bool,
    lang: Option<String>,
    detailed: bool,
) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let case: vigie_bot::eval::EvalCase = serde_json::from_str(line).with_context(|| {
            format!(
                "{} line {}: expected {{\"text\": ..., \"expected\": id or null}}",
                file.display(),
                i + 1
            )
        })?;
        cases.push(case);
    }
    if cases.is_empty() {
        bail!("{} holds no question", file.display());
    }
    let lang = match lang {
        Some(l) => {
            Some(vigie_bot::Lang::parse(&l).with_context(|| format!("unknown language `{l}`"))?)
        }
        None => None,
    };
    let core = core(&settings).await?;
    let bot = actions::bot(&core, &bot).await.map_err(explain)?;
    let d = core
        .store
        .latest_deployment(bot.id)
        .await
        .with_context(|| {
            format!(
                "bot `{}` has no deployment: run `vigie deploy --bot {}`",
                bot.slug, bot.slug
            )
        })?;
    let served = core.engines.build(d.version, d.snapshot).await;
    let unknown: Vec<&str> = cases
        .iter()
        .filter_map(|c| c.expected.as_deref())
        .filter(|id| served.item(id).is_none())
        .collect();
    if !unknown.is_empty() {
        bail!("expected ids not in the deployment: {}", unknown.join(", "));
    }
    let report = vigie_bot::eval::evaluate(&served.index, &cases, lang);
    let details = detailed.then(|| vigie_bot::eval::details(&served.index, &cases, lang));
    if json {
        let mut v = serde_json::to_value(&report)?;
        if let Some(d) = &details {
            v["top1"] = serde_json::json!(d.top1);
            v["top3"] = serde_json::json!(d.top3);
            v["confused"] = serde_json::json!(d
                .confused
                .iter()
                .map(|(e, a, n)| serde_json::json!({"expected": e, "answered": a, "count": n}))
                .collect::<Vec<_>>());
            v["per_item"] = serde_json::json!(d
                .per_item
                .iter()
                .map(|(id, n, acc)| serde_json::json!({"id": id, "questions": n, "accuracy": acc}))
                .collect::<Vec<_>>());
        }
        println!("{v}");
    } else {
        println!("bot: {} (deployment {})", bot.slug, d.version);
        println!("questions:          {}", report.n);
        println!("in-scope accuracy:  {:.3}", report.in_scope_accuracy);
        println!("out-of-scope recall: {:.3}", report.oos_recall);
        println!("overall accuracy:   {:.3}", report.overall_accuracy);
        println!(
            "latency per question: p50 {:.1} µs, p99 {:.1} µs",
            report.p50_us, report.p99_us
        );
        println!("{}", build_summary(&served.report));
        if let Some(d) = &details {
            println!("top-1 ranked:       {:.3}", d.top1);
            println!("top-3 accuracy:     {:.3}", d.top3);
            println!("most confused pairs (expected -> answered instead: count):");
            if d.confused.is_empty() {
                println!("  none");
            }
            for (e, a, n) in &d.confused {
                println!("  {e} -> {a}: {n}");
            }
            println!("per-item accuracy (worst first):");
            for (id, n, acc) in &d.per_item {
                println!("  {acc:.3}  {id} ({n} questions)");
            }
        }
    }
    Ok(())
}

/// Where `vigie serve` records the public URL it announced (in the data dir).
const ANNOUNCED_URL_FILE: &str = "public_url";

/// The public URL for links printed by a command: the configured one, else (derived from
/// the listen address) the one the server announced when it started, which names the
/// port it really listens on.
fn public_url_for_links(settings: &Settings) -> String {
    if settings.public_url != format!("http://{}", settings.listen) {
        return settings.public_url.clone();
    }
    std::fs::read_to_string(settings.data_dir.join(ANNOUNCED_URL_FILE))
        .ok()
        .map(|u| u.trim().to_string())
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .unwrap_or_else(|| settings.public_url.clone())
}

const PG_BACKUP: &str = "`vigie backup` copies a SQLite database; this one is PostgreSQL: \
back it up with pg_dump while Vigie runs, e.g. `pg_dump --format=custom --file=vigie.dump \"$VIGIE_DATABASE_URL\"` \
(README, \"Operating Vigie\")";
const PG_RESTORE: &str = "`vigie restore` restores a SQLite database; this one is PostgreSQL: \
stop Vigie and use pg_restore, e.g. `pg_restore --clean --if-exists --dbname=\"$VIGIE_DATABASE_URL\" vigie.dump` \
(README, \"Operating Vigie\")";

async fn serve(settings: Settings) -> anyhow::Result<()> {
    init_tracing(&settings.log);
    let store = open(&settings).await?;
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {} (VIGIE_LISTEN)", settings.listen))?;
    // `VIGIE_LISTEN=127.0.0.1:0` picks a free port: the public URL derived from the
    // listen address (when none is configured) then names the port actually bound.
    let mut settings = settings;
    let bound = listener.local_addr()?;
    if settings.listen.port() == 0 {
        if settings.public_url == format!("http://{}", settings.listen) {
            settings.public_url = format!("http://{bound}");
        }
        settings.listen = bound;
    }
    // Logged once the port is known: never `http://127.0.0.1:0`.
    tracing::info!(?settings, "starting");
    // The URL this server announces, for `vigie deploy` run later without the server's
    // environment (another port, given by VIGIE_LISTEN to the server only).
    let announced = settings.data_dir.join(ANNOUNCED_URL_FILE);
    if let Err(e) = std::fs::create_dir_all(&settings.data_dir)
        .and_then(|()| std::fs::write(&announced, &settings.public_url))
    {
        tracing::warn!(error = %e, file = %announced.display(), "could not record the public URL");
    }
    let core = Core::new(store.clone(), settings.clone());
    let first = app::first_start(&core).await?;
    // Printed, never logged: the generated password must not end up in log files.
    if let Some((email, password)) = &first.admin {
        println!("\n  First start: an admin account was created.\n    email:    {email}\n    password: {password}\n  This password is shown only once.\n");
        if first.admin_email_is_default {
            println!("  This is the demo default address, easy to guess: for a real deployment start\n  with `vigie serve --admin-email you@your-helpdesk` (or VIGIE_ADMIN_EMAIL) on an\n  empty database, or change it in the admin pages.\n");
        }
    }
    if first.demo_bot {
        println!("  The demo bot `demo` was created and deployed.");
    }
    let base = &settings.public_url;
    println!("  Vigie is listening on http://{}", listener.local_addr()?);
    println!("    API:          {base}/api/v1  (description: {base}/api/openapi.json)");
    println!("    Health:       {base}/healthz, {base}/readyz");
    println!("    Admin:        {base}/admin/");
    println!("    Console:      {base}/console/");
    for bot in store.list_bots().await? {
        println!(
            "    Bot `{}`: chatbox {}  (embed: <script src=\"{base}/c/{}/loader.js\" async></script>)",
            bot.slug,
            actions::deployed_url(base, &bot),
            bot.slug
        );
    }
    let shutdown = async {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("signal handler");
            tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        tracing::info!("shutting down");
    };
    app::launch(core, listener, shutdown).await?;
    store.close().await;
    Ok(())
}

async fn privacy(settings: Settings, command: PrivacyCommand) -> anyhow::Result<()> {
    use crate::domain::privacy::DataSubject;
    use crate::service::audit::Actor;
    use crate::service::privacy;
    init_tracing("warn");
    let subject = |email: Option<String>, visitor: Option<i64>| {
        DataSubject::parse(email.as_deref(), visitor)
            .map_err(|e| explain(ActionError::Invalid(vec![e])))
    };
    let core = core(&settings).await?;
    let actor = Actor::system("cli");
    match command {
        PrivacyCommand::Erase {
            email,
            visitor,
            dry_run,
        } => {
            let subject = subject(email, visitor)?;
            let counts = if dry_run {
                privacy::preview(&core, &subject).await
            } else {
                privacy::erase(&core, &actor, &subject).await
            }
            .map_err(explain)?;
            let verb = if dry_run { "would erase" } else { "erased" };
            let c = serde_json::to_value(&counts)?;
            let parts: Vec<String> = c
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            println!("{verb}: {}", parts.join(", "));
        }
        PrivacyCommand::Export {
            email,
            visitor,
            output,
        } => {
            let subject = subject(email, visitor)?;
            let doc = privacy::export(&core, &actor, &subject)
                .await
                .map_err(explain)?;
            let text = serde_json::to_string_pretty(&doc)? + "\n";
            match output {
                Some(path) => {
                    std::fs::write(&path, text)
                        .with_context(|| format!("writing {}", path.display()))?;
                    eprintln!("personal data written to {}", path.display());
                }
                None => print!("{text}"),
            }
        }
        PrivacyCommand::Sweep => match privacy::sweep(&core).await.map_err(explain)? {
            privacy::Sweep::Skipped => println!("another node is sweeping: nothing done"),
            privacy::Sweep::Done(bots) if bots.is_empty() => println!("nothing past its retention"),
            privacy::Sweep::Done(bots) => {
                for b in bots {
                    println!(
                        "{}: {} conversation(s), {} visitor(s) {}d (older than {} days)",
                        b.bot,
                        b.conversations,
                        b.visitors,
                        if b.mode == crate::domain::privacy::RetentionMode::Delete {
                            "delete"
                        } else {
                            "anonymize"
                        },
                        b.days
                    );
                }
            }
        },
    }
    core.store.close().await;
    Ok(())
}
