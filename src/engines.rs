//! The matchers being served: one immutable `vigie_bot::Index` per bot, built from the
//! bot's latest deployment. A deploy builds the new index off to the side (on the blocking
//! pool) and swaps an `Arc` in under a short lock, so questions keep being answered during
//! the rebuild and each one sees either the old index or the new one, never a mix.
//!
//! A node that did not deploy itself (several nodes on PostgreSQL) notices a newer
//! deployment through `refresh_if_stale`, which compares version numbers at most once per
//! second per bot.

use crate::domain::deployment::{DeployedKnowledge, Snapshot};
use crate::store::{Bot, Store, StoreError};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use vigie_bot::{Embeddings, Index, KnowledgeInput, Params};

/// What building a bot's matcher did: shown by `vigie deploy`, the deploy API and the
/// admin's Deploy.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct BuildReport {
    /// Knowledge items indexed.
    pub items: usize,
    /// Titles and formulations the model learned from.
    pub texts: usize,
    /// Whole build, training included, in milliseconds.
    pub millis: u64,
    /// The embedding model (`shipped: …` or the model2vec directory's).
    pub model: String,
    /// Cross-validated top-1 accuracy of the trained matcher on the base's own
    /// formulations, and of the lexical matcher alone; `None` when the base is too small
    /// to train (the lexical decision is kept).
    pub cv_accuracy: Option<f32>,
    pub cv_lexical_accuracy: Option<f32>,
    /// Share of left-out items' questions refused in cross-validation.
    pub cv_refused: Option<f32>,
    /// Memory held by this index's semantic side (the shared model not included), bytes.
    pub meaning_bytes: usize,
}

pub struct Served {
    pub version: i64,
    pub snapshot: Snapshot,
    pub index: Index,
    pub report: BuildReport,
    by_id: HashMap<String, usize>,
    checked: RwLock<Instant>,
}

impl Served {
    pub fn build(version: i64, snapshot: Snapshot, model: Arc<Embeddings>) -> Served {
        let t0 = Instant::now();
        let inputs: Vec<KnowledgeInput> = snapshot
            .knowledge
            .iter()
            .map(|k| KnowledgeInput {
                id: k.id.clone(),
                title: k.title.clone(),
                lang: k.lang,
                formulations: k.formulations.clone(),
                related: k.related.clone(),
                handoff: k.handoff,
                answer: k.answer.clone(),
                tags: k.tags.clone(),
                translations: k.translations.clone(),
            })
            .collect();
        let index = Index::build_with_model(&inputs, Some(model.clone()), Params::default());
        let training = index.training();
        let trained = training.filter(|t| t.questions > 0);
        let report = BuildReport {
            items: inputs.len(),
            texts: training.map_or(0, |t| t.texts),
            millis: t0.elapsed().as_millis() as u64,
            model: training.map_or_else(|| model.name.clone(), |t| t.model.clone()),
            cv_accuracy: trained.map(|t| t.cv_accuracy),
            cv_lexical_accuracy: trained.map(|t| t.cv_lexical_accuracy),
            cv_refused: trained.map(|t| t.cv_refused),
            meaning_bytes: index.meaning_bytes(),
        };
        let by_id = snapshot
            .knowledge
            .iter()
            .enumerate()
            .map(|(i, k)| (k.id.clone(), i))
            .collect();
        Served {
            version,
            snapshot,
            index,
            report,
            by_id,
            checked: RwLock::new(Instant::now()),
        }
    }

    pub fn item(&self, id: &str) -> Option<&DeployedKnowledge> {
        self.by_id.get(id).map(|&i| &self.snapshot.knowledge[i])
    }
}

#[derive(Clone)]
pub struct Engines {
    inner: Arc<RwLock<HashMap<i64, Arc<Served>>>>,
    /// Bots by slug. Bots are never renamed or deleted, so an entry never goes stale;
    /// this keeps the database out of the hot `ask` path.
    bots: Arc<RwLock<HashMap<String, Bot>>>,
    /// The word embeddings every index is built with (shared, read once).
    model: Arc<Embeddings>,
}

impl Engines {
    pub fn new(model: Arc<Embeddings>) -> Engines {
        Engines {
            inner: Arc::default(),
            bots: Arc::default(),
            model,
        }
    }

    pub async fn bot(&self, store: &Store, slug: &str) -> Result<Bot, StoreError> {
        if let Some(bot) = self.bots.read().expect("bots lock").get(slug) {
            return Ok(bot.clone());
        }
        let bot = store.bot(slug).await?;
        self.bots
            .write()
            .expect("bots lock")
            .insert(bot.slug.clone(), bot.clone());
        Ok(bot)
    }

    /// The bot with this id (from the cache when it is there).
    pub async fn bot_by_id(&self, store: &Store, id: i64) -> Result<Bot, StoreError> {
        let cached = self
            .bots
            .read()
            .expect("bots lock")
            .values()
            .find(|b| b.id == id)
            .cloned();
        if let Some(bot) = cached {
            return Ok(bot);
        }
        let bot = store.bot_by_id(id).await?;
        self.bots
            .write()
            .expect("bots lock")
            .insert(bot.slug.clone(), bot.clone());
        Ok(bot)
    }

    /// Drops a bot from the slug cache (renamed, archived): the next lookup reads the store.
    pub fn forget_bot(&self, slug: &str) {
        self.bots.write().expect("bots lock").remove(slug);
    }

    pub fn get(&self, bot_id: i64) -> Option<Arc<Served>> {
        self.inner
            .read()
            .expect("engines lock")
            .get(&bot_id)
            .cloned()
    }

    /// Installs `served` unless a newer version is already there.
    pub fn install(&self, bot_id: i64, served: Served) -> Arc<Served> {
        let served = Arc::new(served);
        let mut map = self.inner.write().expect("engines lock");
        match map.get(&bot_id) {
            Some(current) if current.version > served.version => current.clone(),
            _ => {
                map.insert(bot_id, served.clone());
                served
            }
        }
    }

    /// The served matcher of a bot, loading the latest deployment if none is loaded yet or
    /// if a newer one exists (checked at most once a second). `NotFound` when the bot was
    /// never deployed.
    pub async fn current(&self, store: &Store, bot_id: i64) -> Result<Arc<Served>, StoreError> {
        if let Some(served) = self.get(bot_id) {
            let stale = served.checked.read().expect("lock").elapsed() > Duration::from_secs(1);
            if !stale {
                return Ok(served);
            }
            *served.checked.write().expect("lock") = Instant::now();
            if store.latest_deployment_version(bot_id).await? <= served.version {
                return Ok(served);
            }
            let latest = store.latest_deployment(bot_id).await?;
            return Ok(self.load(bot_id, latest.version, latest.snapshot).await);
        }
        let latest = store.latest_deployment(bot_id).await?;
        Ok(self.load(bot_id, latest.version, latest.snapshot).await)
    }

    /// Builds a deployment's matcher off the async workers (training included).
    pub async fn build(&self, version: i64, snapshot: Snapshot) -> Served {
        let model = self.model.clone();
        tokio::task::spawn_blocking(move || Served::build(version, snapshot, model))
            .await
            .expect("index build does not panic")
    }

    pub async fn load(&self, bot_id: i64, version: i64, snapshot: Snapshot) -> Arc<Served> {
        let served = self.build(version, snapshot).await;
        self.install(bot_id, served)
    }

    /// The model indexes are built with.
    pub fn model(&self) -> &Arc<Embeddings> {
        &self.model
    }
}
