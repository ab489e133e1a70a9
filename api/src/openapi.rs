//! The OpenAPI 3.1 description, generated from the handlers' annotations (utoipa). It is
//! served at `/api/v1/openapi.json` and checked in as `schemas/openapi.json`; a test fails
//! when the two differ (regenerate with `ALLMENDE_WRITE_OPENAPI=1 cargo test -p allmende-api --test openapi`).

use crate::http::problem::{FieldError, KINDS, Problem, type_uri};
use crate::{auth, forum, moderation, tickets};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Allmende API",
        description = "Tickets and forum of an Allmende catalogue. Errors are RFC 9457 problem documents (application/problem+json); lists are cursor-paginated (`limit`, `cursor`, `Link: rel=\"next\"`, `{items, next_cursor}`); every GET has a strong ETag (`If-None-Match` → 304); PATCH and DELETE honour `If-Match` (412).",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    servers((url = "/api/v1")),
    paths(
        crate::health, crate::metrics, crate::openapi_json,
        auth::dev::login, auth::users::me,
        auth::tokens::list, auth::tokens::create, auth::tokens::revoke,
        crate::notifications::list, crate::notifications::mark_read,
        tickets::list::list, tickets::write::create, tickets::list::get,
        tickets::templates::list,
        tickets::write::patch, tickets::write::delete,
        tickets::extras::lock, tickets::extras::unlock,
        tickets::comments::list, tickets::comments::create,
        tickets::comments::patch, tickets::comments::delete,
        tickets::extras::events,
        tickets::extras::put_ticket_reaction, tickets::extras::delete_ticket_reaction,
        tickets::extras::put_comment_reaction, tickets::extras::delete_comment_reaction,
        tickets::extras::put_subscription, tickets::extras::delete_subscription,
        tickets::labels::list_labels, tickets::labels::create_label,
        tickets::labels::patch_label, tickets::labels::delete_label,
        tickets::labels::list_milestones, tickets::labels::create_milestone,
        tickets::labels::patch_milestone, tickets::labels::delete_milestone,
        forum::list_categories, forum::topics::list, forum::topics::create,
        forum::topics::get, forum::topics::patch,
        forum::posts::list, forum::posts::create, forum::posts::patch, forum::posts::delete,
        forum::posts::revisions, forum::posts::put_like, forum::posts::delete_like,
        moderation::reports::create, moderation::pow::challenge, moderation::reports::queue, moderation::reports::decide,
        moderation::sanctions::put_silence, moderation::sanctions::delete_silence,
        moderation::sanctions::put_suspension, moderation::sanctions::delete_suspension,
        moderation::audit::list,
        moderation::interaction::get, moderation::interaction::put, moderation::interaction::delete,
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&Security, &ProblemTypes),
    tags(
        (name = "meta", description = "Health, metrics, this description, the caller"),
        (name = "tokens", description = "Personal access tokens"),
        (name = "tickets", description = "Tickets per catalogue entry"),
        (name = "comments", description = "Comments on tickets"),
        (name = "reactions", description = "GitHub's eight reactions"),
        (name = "labels", description = "Labels of a project"),
        (name = "milestones", description = "Milestones of a project"),
        (name = "forum", description = "Categories, topics, posts, revisions and likes"),
        (name = "moderation", description = "Reports, review queue, silences, suspensions, audit log"),
    )
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A personal access token (alm_pat_…) or an OIDC access token (JWT) of the configured issuer",
                    ))
                    .build(),
            ),
        );
        api.security = Some(vec![
            utoipa::openapi::security::SecurityRequirement::new("bearer", Vec::<String>::new()),
            utoipa::openapi::security::SecurityRequirement::default(),
        ]);
    }
}

/// Lists the problem `type` URIs in the description of the Problem schema.
struct ProblemTypes;

impl utoipa::Modify for ProblemTypes {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let list: Vec<String> = KINDS
            .iter()
            .map(|(slug, status, en, _)| format!("`{}` ({status}): {en}", type_uri(slug)))
            .collect();
        let text = format!("Problem types:\n\n- {}", list.join("\n- "));
        let mut info_desc = api.info.description.clone().unwrap_or_default();
        info_desc.push_str("\n\n");
        info_desc.push_str(&text);
        api.info.description = Some(info_desc);
    }
}

/// The description as pretty-printed JSON with a final newline (the checked-in form).
pub fn json() -> String {
    let mut s = ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
