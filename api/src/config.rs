//! Configuration of the API: the `[api]` section of a TOML file (normally `site.toml`),
//! overridden key by key by the environment (`ALLMENDE_*`), so containers need no file.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{place}: {message}\n  hint: {hint}")]
    Invalid {
        /// The file (and section) or environment variable with the bad value.
        place: String,
        message: String,
        hint: String,
    },
}

/// The `[api]` section as written in the file. Every key is optional.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FileSection {
    /// `sqlite://path/to/file.db` or `postgres://user:pass@host/db`.
    pub database_url: Option<String>,
    /// Address and port, e.g. `127.0.0.1:8090`.
    pub listen: Option<String>,
    /// OIDC issuer URL (e.g. a Keycloak realm); empty: no OIDC login.
    pub oidc_issuer: Option<String>,
    /// The audience the API expects in access tokens.
    pub oidc_audience: Option<String>,
    /// Origins allowed to call the API from a browser.
    pub cors_origins: Option<Vec<String>>,
    /// Enables `POST /api/v1/dev/login` for loopback clients (never in production).
    pub dev_login: Option<bool>,
    /// General forum categories; one per catalogue entry is added automatically.
    /// Unset: `allgemein` (Allgemein/General) and `ankuendigungen` (Ankündigungen/Announcements).
    pub categories: Option<Vec<CategoryConfig>>,
    /// Distinct reporters after which content is hidden pending review (default 3).
    pub report_hide_threshold: Option<u32>,
    /// `[api.moderation]`: pre-moderation, new accounts, verified staff.
    pub moderation: Option<ModerationSection>,
    /// `[api.limits]`: rate limits, content throttles, daily budgets, proxies.
    pub limits: Option<LimitsSection>,
}

/// `[api.moderation]` as written; every key optional (defaults in [`Moderation`]).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ModerationSection {
    /// The first N posts, topics, tickets and comments of an account wait for approval.
    pub premoderate_first_posts: Option<u32>,
    /// Accounts younger than this count as new (stricter throttles, link limit).
    pub new_account_hours: Option<u32>,
    /// Links a new account may put in one text.
    pub new_account_max_links: Option<u32>,
    /// An account's first contribution typed faster than this (ms, measured by the
    /// client) waits for approval; 0 turns the rule off.
    pub min_first_post_typing_ms: Option<u64>,
    /// E-mail domains (and their subdomains) of public bodies: accounts whose IdP verified
    /// such an address skip pre-moderation, as do holders of the realm role `allmende-verified`.
    pub verified_email_domains: Option<Vec<String>>,
}

/// `[api.limits]` as written; every key optional (defaults in [`Limits`]).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsSection {
    pub anonymous_reads_per_minute: Option<u32>,
    pub reads_per_minute: Option<u32>,
    pub writes_per_minute: Option<u32>,
    /// Seconds between two tickets/topics of one user (new accounts: the second value).
    pub thread_interval_seconds: Option<[u32; 2]>,
    /// Seconds between two comments/posts of one user (new accounts: the second value).
    pub reply_interval_seconds: Option<[u32; 2]>,
    pub contributions_per_hour: Option<u32>,
    /// Tickets + topics per day (new accounts: the second value, their first day).
    pub threads_per_day: Option<[u32; 2]>,
    /// Comments + posts per day (new accounts: the second value, their first day).
    pub replies_per_day: Option<[u32; 2]>,
    pub reports_per_day: Option<u32>,
    /// Throttles that only log and count what they would refuse (GitLab's dry-run mode):
    /// any of `reads`, `writes`, `content`, `reports`.
    pub dry_run: Option<Vec<String>>,
    /// Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Option<Vec<String>>,
    /// Personal access token ids (service accounts) exempt from rate limits and throttles.
    pub trusted_tokens: Option<Vec<String>>,
}

/// A general forum category: `{ slug = "allgemein", de = "Allgemein", en = "General" }`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CategoryConfig {
    pub slug: String,
    pub de: String,
    pub en: String,
}

/// The general categories used when the `[api]` section names none.
pub fn default_categories() -> Vec<CategoryConfig> {
    let c = |slug: &str, de: &str, en: &str| CategoryConfig {
        slug: slug.into(),
        de: de.into(),
        en: en.into(),
    };
    vec![
        c("allgemein", "Allgemein", "General"),
        c("ankuendigungen", "Ankündigungen", "Announcements"),
    ]
}

/// The resolved configuration the server runs with.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub listen: SocketAddr,
    pub oidc: Option<OidcConfig>,
    pub cors_origins: Vec<String>,
    pub dev_login: bool,
    /// Catalogue entries (slugs) that have tickets; empty means any slug is accepted.
    pub projects: Vec<String>,
    /// Entries' names (publiccode.yml `name`) by slug, for their forum categories; an entry
    /// missing here is named by its slug.
    pub project_names: std::collections::HashMap<String, String>,
    /// General forum categories (catalogue entries get one each on top).
    pub categories: Vec<CategoryConfig>,
    pub moderation: Moderation,
    pub limits: Limits,
    /// Ticket templates of the catalogue (see `tickets::templates`); empty: built-in ones.
    pub ticket_templates: crate::tickets::templates::Templates,
}

#[derive(Debug, Clone)]
pub struct OidcConfig {
    pub issuer: String,
    pub audience: String,
}

/// Moderation settings (api.md, «Moderation and anti-abuse»).
#[derive(Debug, Clone)]
pub struct Moderation {
    /// Distinct reporters after which a target is hidden pending review.
    pub hide_threshold: u32,
    /// The first N contributions of an unverified account wait for approval (0: off,
    /// Discourse's default too).
    pub premoderate_first_posts: u32,
    pub new_account_hours: u32,
    pub new_account_max_links: u32,
    /// Discourse's `min_first_post_typing_time` (3,000 ms there too).
    pub min_first_post_typing_ms: u64,
    /// Lower-case domains without a leading dot.
    pub verified_email_domains: Vec<String>,
}

impl Default for Moderation {
    fn default() -> Self {
        Moderation {
            hide_threshold: 3,
            premoderate_first_posts: 0,
            new_account_hours: 24,
            new_account_max_links: 2,
            min_first_post_typing_ms: 3000,
            verified_email_domains: Vec::new(),
        }
    }
}

/// A per-user budget with a stricter value for new accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tiered {
    pub regular: u32,
    pub new_account: u32,
}

impl Tiered {
    pub fn for_account(self, new: bool) -> u32 {
        if new { self.new_account } else { self.regular }
    }
}

impl From<[u32; 2]> for Tiered {
    fn from([regular, new_account]: [u32; 2]) -> Self {
        Tiered {
            regular,
            new_account,
        }
    }
}

/// Bounds on requests (api.md, «Limits and hygiene»).
#[derive(Debug, Clone)]
pub struct Limits {
    pub body_bytes: usize,
    pub markdown_chars: usize,
    pub timeout: std::time::Duration,
    /// Requests per minute for anonymous clients (per IP) and for signed-in users.
    pub anonymous_per_minute: u32,
    pub authenticated_per_minute: u32,
    /// Writes (any POST/PATCH/PUT/DELETE) per minute and user.
    pub writes_per_minute: u32,
    /// Seconds between two tickets/topics, and between two comments/posts, of one user.
    pub thread_interval_seconds: Tiered,
    pub reply_interval_seconds: Tiered,
    pub contributions_per_hour: u32,
    /// Per day; for new accounts, their first day.
    pub threads_per_day: Tiered,
    pub replies_per_day: Tiered,
    pub reports_per_day: u32,
    /// Throttles in dry-run mode: they log and count, but let the request through.
    pub dry_run: Vec<String>,
    pub trusted_proxies: Vec<crate::http::client::Cidr>,
    /// Token ids exempt from rate limits and content throttles.
    pub trusted_tokens: Vec<String>,
}

/// The throttles that `dry_run` can name.
pub const THROTTLES: [&str; 4] = ["reads", "writes", "content", "reports"];

impl Limits {
    pub fn is_dry_run(&self, throttle: &str) -> bool {
        self.dry_run.iter().any(|t| t == throttle)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_bytes: 256 * 1024,
            markdown_chars: 64 * 1024,
            timeout: std::time::Duration::from_secs(10),
            anonymous_per_minute: 300,
            authenticated_per_minute: 1200,
            writes_per_minute: 80,
            // api.md: 1 ticket/topic per 15 s and 1 comment/post per 5 s (new users 120 s/30 s),
            // at most 500 an hour; daily budgets like Discourse's (3 topics and 10 replies
            // on an account's first day).
            thread_interval_seconds: Tiered::from([15, 120]),
            reply_interval_seconds: Tiered::from([5, 30]),
            contributions_per_hour: 500,
            threads_per_day: Tiered::from([20, 3]),
            replies_per_day: Tiered::from([300, 10]),
            reports_per_day: 20,
            dry_run: Vec::new(),
            trusted_proxies: Vec::new(),
            trusted_tokens: Vec::new(),
        }
    }
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8090";
pub const DEFAULT_DATABASE: &str = "sqlite://allmende.db";

/// The environment variables read, in the order they are documented.
pub const ENV_VARS: [&str; 6] = [
    "ALLMENDE_DATABASE_URL",
    "ALLMENDE_LISTEN",
    "ALLMENDE_OIDC_ISSUER",
    "ALLMENDE_OIDC_AUDIENCE",
    "ALLMENDE_CORS_ORIGINS",
    "ALLMENDE_DEV_LOGIN",
];

impl FileSection {
    /// Reads the `[api]` section of a TOML file; other sections are ignored here.
    pub fn read(path: &Path) -> Result<FileSection, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        #[derive(Deserialize)]
        struct Whole {
            #[serde(default)]
            api: FileSection,
        }
        let whole: Whole = toml::from_str(&text).map_err(|e| ConfigError::Invalid {
            place: format!("{} [api]", path.display()),
            message: e.message().to_owned(),
            hint: "see README.md, section «Tickets and forum API», for the keys".into(),
        })?;
        Ok(whole.api)
    }
}

impl Config {
    /// Merges a file section with the environment; the environment wins.
    /// `base` is the folder that relative SQLite paths are resolved against.
    pub fn resolve(
        file: &FileSection,
        env: &dyn Fn(&str) -> Option<String>,
        base: &Path,
    ) -> Result<Config, ConfigError> {
        let pick = |var: &str, from_file: Option<String>| -> Option<(String, String)> {
            match env(var).filter(|v| !v.trim().is_empty()) {
                Some(v) => Some((var.to_owned(), v)),
                None => from_file.map(|v| (format!("[api] {}", var_key(var)), v)),
            }
        };
        let database_url = match pick("ALLMENDE_DATABASE_URL", file.database_url.clone()) {
            Some((place, v)) => check_database_url(&place, &v, base)?,
            None => check_database_url("default", DEFAULT_DATABASE, base)?,
        };
        let listen = match pick("ALLMENDE_LISTEN", file.listen.clone()) {
            Some((place, v)) => v.trim().parse().map_err(|_| ConfigError::Invalid {
                place,
                message: format!("`{v}` is not an address with a port"),
                hint: format!("write it like `{DEFAULT_LISTEN}` or `[::1]:8090`"),
            })?,
            None => DEFAULT_LISTEN.parse().expect("the default address parses"),
        };
        let issuer = pick("ALLMENDE_OIDC_ISSUER", file.oidc_issuer.clone());
        let audience = pick("ALLMENDE_OIDC_AUDIENCE", file.oidc_audience.clone());
        let oidc = match (issuer, audience) {
            (None, None) => None,
            (Some((place, issuer)), audience) => {
                url::Url::parse(&issuer)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "https" | "http"))
                    .ok_or_else(|| ConfigError::Invalid {
                        place: place.clone(),
                        message: format!("`{issuer}` is not an http(s) URL"),
                        hint: "give the issuer exactly as it appears in tokens, e.g. `https://login.example.org/realms/allmende`".into(),
                    })?;
                let Some((_, audience)) = audience else {
                    return Err(ConfigError::Invalid {
                        place,
                        message: "an OIDC issuer is set but no audience".into(),
                        hint: "set ALLMENDE_OIDC_AUDIENCE (or `oidc_audience`) to the client id the API expects in `aud`".into(),
                    });
                };
                Some(OidcConfig {
                    issuer: issuer.trim_end_matches('/').to_owned(),
                    audience,
                })
            }
            (None, Some((place, _))) => {
                return Err(ConfigError::Invalid {
                    place,
                    message: "an OIDC audience is set but no issuer".into(),
                    hint: "set ALLMENDE_OIDC_ISSUER (or `oidc_issuer`) too, or remove the audience"
                        .into(),
                });
            }
        };
        let cors_origins = match env("ALLMENDE_CORS_ORIGINS").filter(|v| !v.trim().is_empty()) {
            Some(v) => split_origins("ALLMENDE_CORS_ORIGINS", &v)?,
            None => {
                let list = file.cors_origins.clone().unwrap_or_default();
                split_origins("[api] cors_origins", &list.join(","))?
            }
        };
        let dev_login = match env("ALLMENDE_DEV_LOGIN").filter(|v| !v.trim().is_empty()) {
            Some(v) => parse_bool("ALLMENDE_DEV_LOGIN", &v)?,
            None => file.dev_login.unwrap_or(false),
        };
        Ok(Config {
            database_url,
            listen,
            oidc,
            cors_origins,
            dev_login,
            projects: Vec::new(),
            project_names: Default::default(),
            categories: Self::check_categories(file.categories.clone())?,
            moderation: Self::moderation(file)?,
            limits: Self::limits(file.limits.clone().unwrap_or_default())?,
            ticket_templates: Default::default(),
        })
    }

    fn moderation(file: &FileSection) -> Result<Moderation, ConfigError> {
        let d = Moderation::default();
        let m = file.moderation.clone().unwrap_or_default();
        let mut domains = Vec::new();
        for raw in m.verified_email_domains.unwrap_or_default() {
            let domain = raw.trim().trim_start_matches('.').to_ascii_lowercase();
            let ok = domain.contains('.')
                && domain.split('.').all(|l| {
                    !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                });
            if !ok {
                return Err(ConfigError::Invalid {
                    place: "[api.moderation] verified_email_domains".into(),
                    message: format!("`{raw}` is not a domain"),
                    hint: "write domains like `bund.de` or `stadt-musterhausen.de`; subdomains are included".into(),
                });
            }
            domains.push(domain);
        }
        Ok(Moderation {
            hide_threshold: match file.report_hide_threshold {
                Some(0) => {
                    return Err(ConfigError::Invalid {
                        place: "[api] report_hide_threshold".into(),
                        message: "0 would hide everything at once".into(),
                        hint: "use 1 or more (default 3)".into(),
                    });
                }
                Some(n) => n,
                None => d.hide_threshold,
            },
            premoderate_first_posts: m
                .premoderate_first_posts
                .unwrap_or(d.premoderate_first_posts),
            new_account_hours: m.new_account_hours.unwrap_or(d.new_account_hours),
            new_account_max_links: m.new_account_max_links.unwrap_or(d.new_account_max_links),
            min_first_post_typing_ms: m
                .min_first_post_typing_ms
                .unwrap_or(d.min_first_post_typing_ms),
            verified_email_domains: domains,
        })
    }

    fn limits(l: LimitsSection) -> Result<Limits, ConfigError> {
        let d = Limits::default();
        let positive = |key: &str, v: Option<u32>, default: u32| match v {
            Some(0) => Err(ConfigError::Invalid {
                place: format!("[api.limits] {key}"),
                message: "0 would refuse every request".into(),
                hint: format!(
                    "use 1 or more (default {default}), or list the throttle in `dry_run` to switch it to logging only"
                ),
            }),
            Some(n) => Ok(n),
            None => Ok(default),
        };
        for t in l.dry_run.iter().flatten() {
            if !THROTTLES.contains(&t.as_str()) {
                return Err(ConfigError::Invalid {
                    place: "[api.limits] dry_run".into(),
                    message: format!("there is no throttle `{t}`"),
                    hint: format!("name any of {}", THROTTLES.join(", ")),
                });
            }
        }
        let mut proxies = Vec::new();
        for p in l.trusted_proxies.iter().flatten() {
            proxies.push(p.parse().map_err(|_| ConfigError::Invalid {
                place: "[api.limits] trusted_proxies".into(),
                message: format!("`{p}` is neither an IP address nor a CIDR range"),
                hint: "write e.g. `10.0.0.5`, `10.0.0.0/8` or `fd00::/8`".into(),
            })?);
        }
        Ok(Limits {
            anonymous_per_minute: positive(
                "anonymous_reads_per_minute",
                l.anonymous_reads_per_minute,
                d.anonymous_per_minute,
            )?,
            authenticated_per_minute: positive(
                "reads_per_minute",
                l.reads_per_minute,
                d.authenticated_per_minute,
            )?,
            writes_per_minute: positive(
                "writes_per_minute",
                l.writes_per_minute,
                d.writes_per_minute,
            )?,
            thread_interval_seconds: l
                .thread_interval_seconds
                .map_or(d.thread_interval_seconds, Tiered::from),
            reply_interval_seconds: l
                .reply_interval_seconds
                .map_or(d.reply_interval_seconds, Tiered::from),
            contributions_per_hour: positive(
                "contributions_per_hour",
                l.contributions_per_hour,
                d.contributions_per_hour,
            )?,
            threads_per_day: l.threads_per_day.map_or(d.threads_per_day, Tiered::from),
            replies_per_day: l.replies_per_day.map_or(d.replies_per_day, Tiered::from),
            reports_per_day: positive("reports_per_day", l.reports_per_day, d.reports_per_day)?,
            dry_run: l.dry_run.unwrap_or_default(),
            trusted_proxies: proxies,
            trusted_tokens: l.trusted_tokens.unwrap_or_default(),
            ..d
        })
    }

    /// The configured general categories (or the defaults), with well-formed unique slugs.
    fn check_categories(
        list: Option<Vec<CategoryConfig>>,
    ) -> Result<Vec<CategoryConfig>, ConfigError> {
        let list = list.unwrap_or_else(default_categories);
        let mut seen = std::collections::HashSet::new();
        for c in &list {
            let valid = !c.slug.is_empty()
                && c.slug.len() <= 100
                && c.slug
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-');
            if !valid || !seen.insert(c.slug.clone()) {
                return Err(ConfigError::Invalid {
                    place: "[api] categories".into(),
                    message: format!("category slug `{}` is malformed or repeated", c.slug),
                    hint: "use unique slugs of lower-case letters, digits and `-`".into(),
                });
            }
        }
        Ok(list)
    }

    /// Reads the process environment.
    pub fn from_env_and_file(file: &FileSection, base: &Path) -> Result<Config, ConfigError> {
        Config::resolve(file, &|k| std::env::var(k).ok(), base)
    }
}

fn var_key(var: &str) -> String {
    var.trim_start_matches("ALLMENDE_").to_ascii_lowercase()
}

fn check_database_url(place: &str, url: &str, base: &Path) -> Result<String, ConfigError> {
    let url = url.trim();
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        let (file, query) = path.split_once('?').unwrap_or((path, ""));
        if file.is_empty() {
            return Err(ConfigError::Invalid {
                place: place.into(),
                message: "the SQLite URL names no file".into(),
                hint: "write `sqlite://allmende.db` (relative to the configuration file) or `sqlite:///var/lib/allmende/allmende.db`".into(),
            });
        }
        let file = if file == ":memory:" || Path::new(file).is_absolute() {
            PathBuf::from(file)
        } else {
            base.join(file)
        };
        let query = if query.is_empty() {
            "mode=rwc".to_owned()
        } else {
            query.to_owned()
        };
        return Ok(format!("sqlite://{}?{query}", file.display()));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(url.to_owned());
    }
    Err(ConfigError::Invalid {
        place: place.into(),
        message: format!("`{}` is neither a SQLite nor a PostgreSQL URL", redact(url)),
        hint: "use `sqlite://allmende.db` or `postgres://user:password@host/database`".into(),
    })
}

/// Hides a password in a URL for messages.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

fn split_origins(place: &str, list: &str) -> Result<Vec<String>, ConfigError> {
    let mut out = Vec::new();
    for origin in list.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        let ok = url::Url::parse(origin).ok().is_some_and(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.path() == "/"
                && !origin.ends_with('/')
                && u.query().is_none()
        });
        if !ok {
            return Err(ConfigError::Invalid {
                place: place.into(),
                message: format!("`{origin}` is not an origin"),
                hint: "an origin is scheme, host and optional port without a path, e.g. `https://katalog.example.org`; separate several with commas".into(),
            });
        }
        out.push(origin.to_owned());
    }
    Ok(out)
}

fn parse_bool(place: &str, v: &str) -> Result<bool, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError::Invalid {
            place: place.into(),
            message: format!("`{v}` is not a yes/no value"),
            hint: "use 1 or 0".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn resolve(file: &FileSection, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::resolve(file, &|k| map.get(k).cloned(), Path::new("/srv"))
    }

    #[test]
    fn defaults_are_a_sqlite_file_next_to_the_config() {
        let c = resolve(&FileSection::default(), &[]).unwrap();
        assert_eq!(c.database_url, "sqlite:///srv/allmende.db?mode=rwc");
        assert_eq!(c.listen.to_string(), DEFAULT_LISTEN);
        assert!(!c.dev_login);
        assert!(c.oidc.is_none());
    }

    #[test]
    fn environment_wins_over_the_file() {
        let file = FileSection {
            listen: Some("127.0.0.1:1".into()),
            dev_login: Some(false),
            cors_origins: Some(vec!["https://a.example".into()]),
            ..Default::default()
        };
        let c = resolve(
            &file,
            &[
                ("ALLMENDE_LISTEN", "127.0.0.1:2"),
                ("ALLMENDE_DEV_LOGIN", "1"),
                (
                    "ALLMENDE_CORS_ORIGINS",
                    "https://b.example, http://localhost:8080",
                ),
                ("ALLMENDE_DATABASE_URL", "postgres://u:p@localhost/db"),
            ],
        )
        .unwrap();
        assert_eq!(c.listen.port(), 2);
        assert!(c.dev_login);
        assert_eq!(
            c.cors_origins,
            ["https://b.example", "http://localhost:8080"]
        );
        assert_eq!(c.database_url, "postgres://u:p@localhost/db");
    }

    #[test]
    fn errors_name_the_place_and_the_fix() {
        let e = resolve(&FileSection::default(), &[("ALLMENDE_LISTEN", "nowhere")])
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("ALLMENDE_LISTEN:"), "{e}");
        assert!(e.contains("hint:"), "{e}");
        let file = FileSection {
            database_url: Some("mysql://x".into()),
            ..Default::default()
        };
        let e = resolve(&file, &[]).unwrap_err().to_string();
        assert!(e.starts_with("[api] database_url:"), "{e}");
        let e = resolve(
            &FileSection::default(),
            &[("ALLMENDE_OIDC_ISSUER", "https://id.example")],
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("no audience"), "{e}");
        let e = resolve(
            &FileSection::default(),
            &[("ALLMENDE_CORS_ORIGINS", "https://a.example/path")],
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("not an origin"), "{e}");
        assert!(resolve(&FileSection::default(), &[("ALLMENDE_DEV_LOGIN", "maybe")]).is_err());
    }

    #[test]
    fn moderation_and_limit_sections_are_checked_with_hints() {
        let parse = |toml_text: &str| -> Result<Config, ConfigError> {
            #[derive(Deserialize)]
            struct Whole {
                api: FileSection,
            }
            let w: Whole = toml::from_str(toml_text).expect("valid TOML");
            resolve(&w.api, &[])
        };
        let c = parse(
            "[api.moderation]\npremoderate_first_posts = 2\nverified_email_domains = [\".Bund.de\"]\n\
             [api.limits]\nthreads_per_day = [10, 1]\ndry_run = [\"content\"]\ntrusted_proxies = [\"10.0.0.0/8\"]\n",
        )
        .unwrap();
        assert_eq!(c.moderation.premoderate_first_posts, 2);
        assert_eq!(c.moderation.verified_email_domains, ["bund.de"]);
        assert_eq!(c.limits.threads_per_day.for_account(true), 1);
        assert!(c.limits.is_dry_run("content") && !c.limits.is_dry_run("reads"));
        assert_eq!(c.limits.trusted_proxies.len(), 1);
        for (text, place, needle) in [
            (
                "[api.limits]\ndry_run = [\"posts\"]",
                "[api.limits] dry_run",
                "reads, writes, content, reports",
            ),
            (
                "[api.limits]\ntrusted_proxies = [\"proxy\"]",
                "[api.limits] trusted_proxies",
                "CIDR",
            ),
            (
                "[api.limits]\nwrites_per_minute = 0",
                "[api.limits] writes_per_minute",
                "dry_run",
            ),
            (
                "[api.moderation]\nverified_email_domains = [\"bund\"]",
                "[api.moderation] verified_email_domains",
                "bund.de",
            ),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.starts_with(place), "{e}");
            assert!(e.contains("hint:") && e.contains(needle), "{e}");
        }
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
    }
}
