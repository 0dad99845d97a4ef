//! People: inviting colleagues, changing their role, capacity and languages, deactivating
//! them; each person's own password, name and sessions; forgotten passwords; API tokens.
//!
//! Invitation and reset links are 32 random bytes (`vgi_…`, `vgr_…`), only their SHA-256
//! stored, single use, valid `account_link_hours` (72 h by default). Their mails go
//! through the outbox in the transaction that makes the link, rendered from the
//! admin-edited templates (`invite_mail`, `reset_mail` in the livechat settings).

use super::audit::{self, Actor};
use super::{livechat, settings, ActionError, Core, OrNotFound, Refusal};
use crate::auth;
use crate::domain::livechat_settings::{check_capacity, LivechatSettings, MailTemplate};
use crate::domain::operator::{check_password, parse_languages, TokenScope};
use crate::domain::{
    long_date, now_ms, Email, FieldError, OperatorId, OperatorName, Problem, Role,
};
use crate::mail::template::{self, AccountVars, Rendered};
use crate::store::{
    AccountStatus, AuthRecord, ChangeRefused, Credential, LinkPurpose, LinkRefused, LinkTarget,
    NewMail, Operator, OperatorChange, OperatorListed, StoreError, TokenInfo,
};
use serde::Serialize;
use serde_json::json;
use vigie_bot::Lang;

/// An admin's invitation.
#[derive(Clone, Debug)]
pub struct Invite {
    pub email: String,
    pub name: String,
    pub role: String,
    pub languages: Vec<String>,
    /// None: the default capacity.
    pub capacity: Option<i64>,
    /// The mail's language (`fr` or `en`).
    pub lang: String,
}

/// What an admin changes (None: unchanged; `capacity: Some(None)` back to the default).
#[derive(Clone, Debug, Default)]
pub struct Change {
    pub name: Option<String>,
    pub role: Option<String>,
    pub languages: Option<Vec<String>>,
    pub capacity: Option<Option<i64>>,
}

/// A person as the admin's list shows them.
#[derive(Clone, Debug, Serialize)]
pub struct Person {
    pub id: OperatorId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub languages: Vec<String>,
    pub status: AccountStatus,
    /// Their own capacity, or None for the default.
    pub capacity: Option<i64>,
    pub deactivated_at: Option<i64>,
    pub created_at: i64,
}

impl Person {
    fn new(l: OperatorListed) -> Person {
        let o = l.operator;
        Person {
            status: o.status(),
            id: o.id,
            email: o.email,
            name: o.name,
            role: o.role,
            languages: o.languages,
            capacity: l.own_capacity,
            deactivated_at: o.deactivated_at,
            created_at: o.created_at,
        }
    }
}

fn target(o: &Operator) -> String {
    format!("operator:{} {}", o.id, o.email)
}

fn parse_lang(raw: &str) -> Result<Lang, ActionError> {
    Lang::parse(raw.trim()).ok_or_else(|| {
        ActionError::Invalid(vec![FieldError::new("lang", "fr or en")
            .code("bad_choice")
            .param("choices", "fr, en")])
    })
}

fn link_ttl_ms(core: &Core) -> i64 {
    i64::from(core.settings.account_link_hours) * 3_600_000
}

/// "5 mars 2027 à 14:00 UTC", "5 March 2027 at 14:00 UTC".
fn when(ms: i64, lang: Lang) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let hm = format!("{:02}:{:02} UTC", t.hour(), t.minute());
    match lang {
        Lang::Fr => format!("{} à {hm}", long_date(ms, lang)),
        Lang::En => format!("{} at {hm}", long_date(ms, lang)),
    }
}

/// The page that opens an account link (the token rides in the fragment: never sent to
/// a server, never in a log or a Referer).
fn account_url(core: &Core, purpose: LinkPurpose, token: &str, lang: Lang) -> String {
    format!(
        "{}/account/?lang={}#{}={token}",
        core.public_url(),
        lang.as_str(),
        purpose.as_str()
    )
}

/// Renders an account mail from the saved templates.
async fn account_mail(
    core: &Core,
    purpose: LinkPurpose,
    lang: Lang,
    vars: &AccountVars,
) -> Result<Rendered, ActionError> {
    let s = settings::livechat(core).await?;
    let t = match purpose {
        LinkPurpose::Invite => s.invite_mail.get(lang),
        LinkPurpose::Reset => s.reset_mail.get(lang),
    };
    template::render_account(t, vars, purpose.as_str()).map_err(ActionError::Invalid)
}

/// A new single-use link of `purpose` for an existing account, mailed to it through the
/// outbox (the previous link of that purpose stops working); `sender`: the name the mail
/// gives as the inviter (the admin, or the person for a reset).
async fn mail_link(
    core: &Core,
    op: &Operator,
    purpose: LinkPurpose,
    sender: &str,
    lang: Lang,
) -> Result<(), ActionError> {
    let token = auth::new_token(match purpose {
        LinkPurpose::Invite => "vgi_",
        LinkPurpose::Reset => "vgr_",
    });
    let ttl = link_ttl_ms(core);
    let vars = AccountVars {
        link: account_url(core, purpose, &token, lang),
        name: op.name.clone(),
        email: op.email.clone(),
        inviter_name: sender.to_string(),
        expires_at: when(now_ms() + ttl, lang),
        lang: lang.as_str().into(),
    };
    let mail = account_mail(core, purpose, lang, &vars).await?;
    core.store
        .create_account_link(
            LinkTarget::Existing(op.id),
            purpose,
            &auth::token_hash(&token),
            ttl,
            Some(&NewMail {
                to_addr: &op.email,
                subject: &mail.subject,
                html: &mail.html,
                text: &mail.text,
            }),
            &core.mail_domain(),
        )
        .await?;
    core.mailer.wake();
    Ok(())
}

fn email_taken(email: &str) -> ActionError {
    ActionError::refused(
        Refusal::Conflict,
        Problem::new("email_taken", "an account already uses this email address")
            .param("email", email),
    )
}

fn last_admin() -> ActionError {
    ActionError::refused(
        Refusal::Conflict,
        Problem::new(
            "last_admin",
            "this is the last active admin: make someone else admin first",
        ),
    )
}

/// Every account, by name.
pub async fn list(core: &Core) -> Result<Vec<Person>, ActionError> {
    Ok(core
        .store
        .list_people()
        .await?
        .into_iter()
        .map(Person::new)
        .collect())
}

pub async fn person(core: &Core, id: OperatorId) -> Result<Person, ActionError> {
    core.store
        .list_people()
        .await?
        .into_iter()
        .find(|p| p.operator.id == id)
        .map(Person::new)
        .ok_or(ActionError::NotFound("person"))
}

/// Invites a colleague: the account (without a password), its link and the mail, in one
/// transaction; an address already used is `email_taken` and changes nothing.
pub async fn invite(
    core: &Core,
    by: &Operator,
    actor: &Actor,
    input: &Invite,
) -> Result<Person, ActionError> {
    let mut errors = Vec::new();
    let email = Email::parse(&input.email).map_err(|m| errors.push(FieldError::of("email", m)));
    let name = OperatorName::parse(&input.name).map_err(|m| errors.push(FieldError::of("name", m)));
    let role = Role::parse(input.role.trim()).map_err(|m| errors.push(FieldError::of("role", m)));
    let languages = parse_languages("languages", &input.languages).map_err(|e| errors.push(e));
    if let Some(c) = input.capacity {
        if let Err(e) = check_capacity("capacity", c) {
            errors.push(e.code("out_of_range").param("min", 1).param("max", 20));
        }
    }
    let lang = parse_lang(&input.lang);
    let (Ok(email), Ok(name), Ok(role), Ok(languages), Ok(lang)) =
        (email, name, role, languages, lang)
    else {
        return Err(ActionError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ActionError::Invalid(errors));
    }
    if core.store.operator_by_email(email.as_str()).await.is_ok() {
        return Err(email_taken(&email.as_str().to_lowercase()));
    }
    let token = auth::new_token("vgi_");
    let ttl = link_ttl_ms(core);
    let vars = AccountVars {
        link: account_url(core, LinkPurpose::Invite, &token, lang),
        name: name.as_str().to_string(),
        email: email.as_str().to_lowercase(),
        inviter_name: by.name.clone(),
        expires_at: when(now_ms() + ttl, lang),
        lang: lang.as_str().into(),
    };
    let mail = account_mail(core, LinkPurpose::Invite, lang, &vars).await?;
    let (operator, _) = core
        .store
        .create_account_link(
            LinkTarget::New {
                email: &email,
                name: &name,
                role,
                languages: &languages,
            },
            LinkPurpose::Invite,
            &auth::token_hash(&token),
            ttl,
            Some(&NewMail {
                to_addr: &vars.email,
                subject: &mail.subject,
                html: &mail.html,
                text: &mail.text,
            }),
            &core.mail_domain(),
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => email_taken(&email.as_str().to_lowercase()),
            other => other.into(),
        })?;
    core.mailer.wake();
    if let Some(c) = input.capacity {
        let default = settings::livechat(core).await?.default_capacity;
        core.store
            .set_own_capacity(operator.id, Some(c), default)
            .await?;
    }
    audit::record(
        core,
        actor,
        "person.invite",
        &target(&operator),
        json!({"name": operator.name, "role": operator.role, "languages": operator.languages,
               "capacity": input.capacity, "mail_lang": lang.as_str()}),
    )
    .await;
    person(core, operator.id).await
}

/// Sends an invited person a new link (the previous one stops working).
pub async fn resend_invite(
    core: &Core,
    by: &Operator,
    actor: &Actor,
    id: OperatorId,
    lang: &str,
) -> Result<Person, ActionError> {
    let lang = parse_lang(lang)?;
    let op = core.store.operator_by_id(id).await.or_not_found("person")?;
    if op.status() != AccountStatus::Invited {
        return Err(ActionError::refused(
            Refusal::Conflict,
            Problem::new(
                "not_invited",
                "this person has already set a password (or is deactivated)",
            ),
        ));
    }
    mail_link(core, &op, LinkPurpose::Invite, &by.name, lang).await?;
    audit::record(core, actor, "person.invite_resend", &target(&op), json!({})).await;
    person(core, op.id).await
}

/// Changes a person's name, role, languages or capacity. Demoting the last active admin is
/// `last_admin` and changes nothing.
pub async fn update(
    core: &Core,
    actor: &Actor,
    id: OperatorId,
    change: &Change,
) -> Result<Person, ActionError> {
    let before = core.store.operator_by_id(id).await.or_not_found("person")?;
    let mut errors = Vec::new();
    let name = change
        .name
        .as_deref()
        .map(|n| OperatorName::parse(n).map(|n| n.as_str().to_string()))
        .transpose()
        .map_err(|m| errors.push(FieldError::of("name", m)));
    let role = change
        .role
        .as_deref()
        .map(|r| Role::parse(r.trim()))
        .transpose()
        .map_err(|m| errors.push(FieldError::of("role", m)));
    let languages = change
        .languages
        .as_deref()
        .map(|l| parse_languages("languages", l))
        .transpose()
        .map_err(|e| errors.push(e));
    if let Some(Some(c)) = change.capacity {
        if let Err(e) = check_capacity("capacity", c) {
            errors.push(e.code("out_of_range").param("min", 1).param("max", 20));
        }
    }
    let (Ok(name), Ok(role), Ok(languages)) = (name, role, languages) else {
        return Err(ActionError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ActionError::Invalid(errors));
    }
    let after = match core
        .store
        .change_operator(
            id,
            &OperatorChange {
                name,
                role,
                languages,
            },
        )
        .await?
    {
        Ok(o) => o,
        Err(ChangeRefused::NotFound) => return Err(ActionError::NotFound("person")),
        Err(ChangeRefused::LastAdmin) => return Err(last_admin()),
    };
    let before_capacity = person(core, id).await?.capacity;
    if let Some(capacity) = change.capacity {
        let default = settings::livechat(core).await?.default_capacity;
        core.store.set_own_capacity(id, capacity, default).await?;
        livechat::changed(core);
        livechat::dispatch_queue(core).await?;
    }
    let mut changes = serde_json::Map::new();
    if before.name != after.name {
        changes.insert("name".into(), json!([before.name, after.name]));
    }
    if before.role != after.role {
        changes.insert("role".into(), json!([before.role, after.role]));
    }
    if before.languages != after.languages {
        changes.insert(
            "languages".into(),
            json!([before.languages, after.languages]),
        );
    }
    if let Some(c) = change.capacity {
        if c != before_capacity {
            changes.insert("capacity".into(), json!([before_capacity, c]));
        }
    }
    if !changes.is_empty() {
        let action = if changes.contains_key("role") {
            "person.role"
        } else {
            "person.update"
        };
        audit::record(core, actor, action, &target(&after), changes.into()).await;
    }
    if before.name != after.name || before.role != after.role {
        livechat::changed(core);
    }
    person(core, id).await
}

/// Deactivates a person: their sessions and API tokens end at once (open consoles are
/// closed), their history stays. Not oneself, not the last active admin.
pub async fn deactivate(
    core: &Core,
    by: &Operator,
    actor: &Actor,
    id: OperatorId,
) -> Result<Person, ActionError> {
    if by.id == id {
        return Err(ActionError::refused(
            Refusal::Conflict,
            Problem::new(
                "cannot_deactivate_self",
                "you cannot deactivate your own account",
            ),
        ));
    }
    let op = core.store.operator_by_id(id).await.or_not_found("person")?;
    match core.store.deactivate_operator(id).await? {
        Ok(()) => {}
        Err(ChangeRefused::NotFound) => return Err(ActionError::NotFound("person")),
        Err(ChangeRefused::LastAdmin) => return Err(last_admin()),
    }
    // Open consoles re-check their credential on every livechat change.
    livechat::changed(core);
    livechat::dispatch_queue(core).await?;
    if op.deactivated_at.is_none() {
        audit::record(core, actor, "person.deactivate", &target(&op), json!({})).await;
    }
    person(core, id).await
}

pub async fn reactivate(core: &Core, actor: &Actor, id: OperatorId) -> Result<Person, ActionError> {
    let op = core.store.operator_by_id(id).await.or_not_found("person")?;
    core.store.reactivate_operator(id).await?;
    if op.deactivated_at.is_some() {
        audit::record(core, actor, "person.reactivate", &target(&op), json!({})).await;
        livechat::changed(core);
    }
    person(core, id).await
}

// ---- Account links

/// What the link page shows before the password is chosen.
#[derive(Clone, Debug, Serialize)]
pub struct LinkInfo {
    pub purpose: LinkPurpose,
    pub email: String,
    pub name: String,
    pub expires_at: i64,
}

fn link_refused(r: LinkRefused) -> ActionError {
    match r {
        LinkRefused::Unknown => ActionError::refused(
            Refusal::NotFound,
            Problem::new(
                "link_unknown",
                "this link is not valid (mistyped, or replaced by a newer one)",
            ),
        ),
        LinkRefused::Used => ActionError::refused(
            Refusal::Gone,
            Problem::new("link_used", "this link has already been used"),
        ),
        LinkRefused::Expired => ActionError::refused(
            Refusal::Gone,
            Problem::new("link_expired", "this link has expired"),
        ),
    }
}

/// Checks a link without using it.
pub async fn link_info(core: &Core, token: &str) -> Result<LinkInfo, ActionError> {
    let link = match core
        .store
        .account_link(&auth::token_hash(token.trim()))
        .await
    {
        Ok(l) => l,
        Err(StoreError::NotFound) => return Err(link_refused(LinkRefused::Unknown)),
        Err(e) => return Err(e.into()),
    };
    if link.operator.deactivated_at.is_some() {
        return Err(link_refused(LinkRefused::Unknown));
    }
    if link.used_at.is_some() {
        return Err(link_refused(LinkRefused::Used));
    }
    if link.expires_at <= now_ms() {
        return Err(link_refused(LinkRefused::Expired));
    }
    Ok(LinkInfo {
        purpose: link.purpose,
        email: link.operator.email,
        name: link.operator.name,
        expires_at: link.expires_at,
    })
}

/// Sets the password from a link (and the name, for an invitation); the link stops
/// working. A weak password changes nothing and leaves the link usable.
pub async fn use_link(
    core: &Core,
    token: &str,
    password: String,
    name: Option<&str>,
) -> Result<Operator, ActionError> {
    let info = link_info(core, token).await?;
    let mut errors = Vec::new();
    let name = match name.filter(|_| info.purpose == LinkPurpose::Invite) {
        Some(n) => OperatorName::parse(n)
            .map(Some)
            .map_err(|m| errors.push(FieldError::of("name", m)))
            .unwrap_or(None),
        None => None,
    };
    if let Err(m) = check_password(&password, &info.email) {
        errors.push(FieldError::of("password", m));
    }
    if !errors.is_empty() {
        return Err(ActionError::Invalid(errors));
    }
    let hash = auth::hash_password(password).await?;
    let op = core
        .store
        .use_account_link(&auth::token_hash(token.trim()), &hash, name.as_ref())
        .await?
        .map_err(link_refused)?;
    livechat::changed(core);
    Ok(op)
}

/// A forgotten password: a reset link by mail when the address belongs to an active
/// account; nothing otherwise. The caller answers the same either way (and rate-limits).
pub async fn forgot(core: &Core, email: &str, lang: &str) -> Result<(), ActionError> {
    let lang = Lang::parse(lang.trim()).unwrap_or(Lang::Fr);
    let Ok(email) = Email::parse(email) else {
        return Ok(());
    };
    let op = match core.store.operator_by_email(email.as_str()).await {
        Ok(op) if op.status() == AccountStatus::Active => op,
        Ok(_) | Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    mail_link(core, &op, LinkPurpose::Reset, &op.name, lang).await?;
    Ok(())
}

// ---- One's own account

/// Changes one's password, the current one asked; the other sessions end (this one stays).
pub async fn change_password(
    core: &Core,
    rec: &AuthRecord,
    current: String,
    new: String,
) -> Result<(), ActionError> {
    let op = &rec.operator;
    if !auth::verify_password(current, Some(op.password_hash.clone())).await {
        return Err(ActionError::Invalid(vec![FieldError::new(
            "current_password",
            "this is not your current password",
        )
        .code("wrong_password")]));
    }
    check_password(&new, &op.email)
        .map_err(|m| ActionError::Invalid(vec![FieldError::of("password", m)]))?;
    let hash = auth::hash_password(new).await?;
    core.store.set_operator_password(op.id, &hash).await?;
    let keep = match &rec.credential {
        Credential::Session(h) => Some(h.as_str()),
        Credential::Token { .. } => None,
    };
    core.store.end_sessions(op.id, keep).await?;
    livechat::changed(core);
    Ok(())
}

pub async fn rename_self(core: &Core, op: &Operator, name: &str) -> Result<Operator, ActionError> {
    let name = OperatorName::parse(name)
        .map_err(|m| ActionError::Invalid(vec![FieldError::of("name", m)]))?;
    core.store.set_operator_name(op.id, &name).await?;
    livechat::changed(core);
    Ok(core.store.operator_by_id(op.id).await?)
}

/// Signs out of every session (this one included); API tokens stay. Open consoles close.
pub async fn end_all_sessions(core: &Core, op: &Operator) -> Result<u64, ActionError> {
    let n = core.store.end_sessions(op.id, None).await?;
    livechat::changed(core);
    Ok(n)
}

// ---- API tokens

/// Creates a token for `owner` (shown once); returns the secret and what is kept of it.
pub async fn create_token(
    core: &Core,
    owner: &Operator,
    actor: &Actor,
    name: &str,
    scope: &str,
) -> Result<(String, TokenInfo), ActionError> {
    let mut errors = Vec::new();
    let label = name.trim();
    if label.is_empty() {
        errors.push(FieldError::new("name", "a name is required").code("required"));
    } else if label.chars().count() > 100 || label.chars().any(char::is_control) {
        errors.push(
            FieldError::new("name", "100 characters at most, on one line")
                .code("too_long")
                .param("max", 100),
        );
    }
    let scope = TokenScope::parse(scope.trim());
    if scope.is_none() {
        errors.push(
            FieldError::new("scope", "unknown scope")
                .code("bad_choice")
                .param(
                    "choices",
                    TokenScope::ALL
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
        );
    }
    let Some(scope) = scope.filter(|_| errors.is_empty()) else {
        return Err(ActionError::Invalid(errors));
    };
    let token = auth::new_token("vgt_");
    let id = core
        .store
        .create_api_token(&auth::token_hash(&token), owner.id, label, scope)
        .await?;
    let info = core.store.api_token_info(id).await?;
    audit::record(
        core,
        actor,
        "token.create",
        &format!("token:{id} {label}"),
        json!({"scope": scope, "owner": target(owner)}),
    )
    .await;
    Ok((token, info))
}

/// One's own tokens, or (`all`, an admin) everyone's.
pub async fn tokens(core: &Core, who: &Operator, all: bool) -> Result<Vec<TokenInfo>, ActionError> {
    let owner = if all && who.role == Role::Admin {
        None
    } else {
        Some(who.id)
    };
    Ok(core.store.list_api_tokens(owner).await?)
}

/// Revokes a token: one's own, or any (an admin). It stops working at once.
pub async fn revoke_token(
    core: &Core,
    who: &Operator,
    actor: &Actor,
    id: i64,
) -> Result<(), ActionError> {
    let info = match core.store.api_token_info(id).await {
        Ok(t) if t.operator_id == who.id || who.role == Role::Admin => t,
        Ok(_) | Err(StoreError::NotFound) => {
            return Err(ActionError::refused(
                Refusal::NotFound,
                Problem::new("token_unknown", "no such API token among yours"),
            ))
        }
        Err(e) => return Err(e.into()),
    };
    core.store.revoke_api_token(id).await?;
    livechat::changed(core);
    audit::record(
        core,
        actor,
        "token.revoke",
        &format!("token:{id} {}", info.name),
        json!({"scope": info.scope, "owner": format!("operator:{} {}", info.operator_id, info.operator_email)}),
    )
    .await;
    Ok(())
}

// ---- Templates

/// Checks the invitation and reset templates of the settings (before they are saved).
pub fn check_templates(s: &LivechatSettings) -> Result<(), ActionError> {
    let mut errors = Vec::new();
    for (name, set) in [
        ("invite_mail", &s.invite_mail),
        ("reset_mail", &s.reset_mail),
    ] {
        for lang in [Lang::Fr, Lang::En] {
            if let Err(e) =
                template::check_account(set.get(lang), lang, &format!("{name}.{}", lang.as_str()))
            {
                errors.extend(e);
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ActionError::Invalid(errors))
    }
}

/// An account template rendered with sample values (the admin's preview).
pub fn preview(lang: &str, t: &MailTemplate) -> Result<Rendered, ActionError> {
    let lang = parse_lang(lang)?;
    template::check_account(t, lang, "template").map_err(ActionError::Invalid)
}
