//! The rules of the standard, applied while walking the tree in the order of the standard's
//! key list. Every rule reports into `Findings`; the walk keeps going after an error so a
//! contributor sees all problems at once.

use crate::files::{self, FileKind};
use crate::finding::{Findings, Pos, Text};
use crate::formats::{self, Check, CountryCase, Licence};
use crate::model::*;
use crate::read::{Entry, Obj};
use crate::text;
use crate::vocab;
use crate::yaml::Node;
use std::collections::BTreeMap;
use std::path::Path;

pub struct Walk<'a> {
    pub f: &'a mut Findings,
    /// Folder of the file, for relative logo and screenshot paths; `None` skips file checks.
    pub base_dir: Option<&'a Path>,
    /// The file declares 0.7 (or later 0.x), where country sections are deprecated.
    pub modern: bool,
    /// Every valid web address seen, for optional reachability checks.
    pub links: Vec<Link>,
}

/// A URL found in the file, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub key: String,
    pub pos: Pos,
    pub url: String,
}

fn report(f: &mut Findings, e: &Entry, check: Check) -> bool {
    match check {
        Ok(()) => true,
        Err((message, hint)) => {
            e.error(f, message, hint);
            false
        }
    }
}

impl Walk<'_> {
    pub fn root(&mut self, node: &Node) -> Option<PublicCode> {
        let mut o = Obj::open(self.f, "", node.pos, node)?;
        let mut pc = PublicCode::default();
        let mut ok = true;

        match o.get("publiccodeYmlVersion") {
            Some(e) => match e.text(self.f) {
                Some(v) => {
                    self.version(&e, &v);
                    self.modern =
                        v.starts_with("0.7") || v.starts_with("0.8") || v.starts_with("0.9");
                    pc.publiccode_yml_version = v;
                }
                None => ok = false,
            },
            None => {
                let current = vocab::CURRENT_VERSION;
                self.f.error(
                    "publiccodeYmlVersion",
                    Pos::FILE,
                    text!(
                        "missing required key `publiccodeYmlVersion`",
                        "der Pflichtschlüssel `publiccodeYmlVersion` fehlt"
                    ),
                    text!(
                        "add `publiccodeYmlVersion: \"{current}\"` as the first line",
                        "ergänzen Sie `publiccodeYmlVersion: \"{current}\"` als erste Zeile"
                    ),
                );
                ok = false;
            }
        }

        ok &= self
            .req_text(
                &mut o,
                "name",
                &text!("the name of the software", "den Namen der Software"),
                |_, _| true,
            )
            .map(|v| pc.name = v)
            .is_some();
        pc.application_suite = self.opt_text(&mut o, "applicationSuite");
        let url = self.req_text(
            &mut o,
            "url",
            &text!(
                "the address of the source repository",
                "die Adresse des Quellcode-Repositorys"
            ),
            |f, e| {
                let v = e.value.as_text().unwrap_or_default();
                report(f, e, formats::url(v))
            },
        );
        if let (Some(v), Some(e)) = (&url, o.get("url"))
            && v.starts_with("http")
        {
            self.link(&e, v);
        }
        ok &= url.map(|v| pc.url = v).is_some();
        pc.landing_url = self.opt_checked(&mut o, "landingURL", formats::http_url);
        pc.is_based_on = self.is_based_on(&mut o);
        pc.software_version = self.opt_text(&mut o, "softwareVersion");
        pc.release_date = self.opt_checked(&mut o, "releaseDate", formats::date);
        if let Some(e) = o
            .get("releaseDate")
            .filter(|e| e.value.as_text() == Some(""))
        {
            e.error(
                self.f,
                text!("`releaseDate` is empty", "`releaseDate` ist leer"),
                text!(
                    "write the date as YYYY-MM-DD or remove the key",
                    "schreiben Sie das Datum als JJJJ-MM-TT oder entfernen Sie den Schlüssel"
                ),
            );
        }
        pc.logo = self.file_ref(&mut o, "logo", FileKind::Logo);
        if let Some(e) = o.get("monochromeLogo") {
            e.warning(
                self.f,
                text!(
                    "`monochromeLogo` is deprecated",
                    "`monochromeLogo` ist veraltet"
                ),
                text!(
                    "remove it; `logo` is enough",
                    "entfernen Sie ihn; `logo` genügt"
                ),
            );
            pc.monochrome_logo = self.file_ref(&mut o, "monochromeLogo", FileKind::Logo);
        }
        for (key, target) in [
            ("inputTypes", &mut pc.input_types),
            ("outputTypes", &mut pc.output_types),
        ] {
            // A malformed value gets its type error; the deprecation note would only add noise.
            if let Some(e) = o.get(key)
                && let Some(items) = e.texts(self.f)
            {
                e.warning(self.f, deprecated(key), remove_it());
                *target = items.into_iter().map(|(_, t)| t).collect();
            }
        }
        match o.require(
            self.f,
            "platforms",
            &text!(
                "a list such as `[web, linux]`",
                "eine Liste wie `[web, linux]`"
            ),
        ) {
            Some(e) => {
                pc.platforms = self.texts(&e).into_iter().map(|(_, t)| t).collect();
                if matches!(&e.value.value, crate::yaml::Value::Seq(v) if v.is_empty()) {
                    e.error(
                        self.f,
                        text!("`platforms` is empty", "`platforms` ist leer"),
                        text!(
                            "list at least one platform, e.g. `web`",
                            "nennen Sie mindestens eine Plattform, z. B. `web`"
                        ),
                    );
                }
            }
            None => ok = false,
        }
        pc.categories = self.vocab_list(
            &mut o,
            "categories",
            vocab::CATEGORIES,
            ("category", "Kategorie"),
        );
        pc.used_by = o
            .get("usedBy")
            .map(|e| self.texts(&e).into_iter().map(|(_, t)| t).collect())
            .unwrap_or_default();
        pc.roadmap = self.opt_checked(&mut o, "roadmap", formats::http_url);
        ok &= self
            .req_enum(&mut o, "developmentStatus", vocab::DEVELOPMENT_STATUS)
            .map(|v| pc.development_status = v)
            .is_some();
        ok &= self
            .req_enum(&mut o, "softwareType", vocab::SOFTWARE_TYPE)
            .map(|v| pc.software_type = v)
            .is_some();
        pc.intended_audience = o.get("intendedAudience").and_then(|e| self.audience(&e));
        match o.require(
            self.f,
            "description",
            &text!(
                "one entry per language, e.g. `de:` and `en:`",
                "einen Eintrag je Sprache, z. B. `de:` und `en:`"
            ),
        ) {
            Some(e) => match self.description(&e) {
                Some(d) => pc.description = d,
                None => ok = false,
            },
            None => ok = false,
        }
        match o.require(
            self.f,
            "legal",
            &text!("at least `license:`", "mindestens `license:`"),
        ) {
            Some(e) => match self.legal(&e) {
                Some(l) => pc.legal = l,
                None => ok = false,
            },
            None => ok = false,
        }
        match o.require(
            self.f,
            "maintenance",
            &text!("at least `type:`", "mindestens `type:`"),
        ) {
            Some(e) => match self.maintenance(&e) {
                Some(m) => pc.maintenance = m,
                None => ok = false,
            },
            None => ok = false,
        }
        match o.require(
            self.f,
            "localisation",
            &text!(
                "`localisationReady:` and `availableLanguages:`",
                "`localisationReady:` und `availableLanguages:`"
            ),
        ) {
            Some(e) => match self.localisation(&e) {
                Some(l) => pc.localisation = l,
                None => ok = false,
            },
            None => ok = false,
        }
        pc.depends_on = o.get("dependsOn").and_then(|e| self.depends_on(&e));
        pc.organisation = o.get("organisation").and_then(|e| self.organisation(&e));
        pc.funded_by = o
            .get("fundedBy")
            .and_then(|e| e.items(self.f))
            .map(|items| items.iter().filter_map(|e| self.organisation(e)).collect())
            .unwrap_or_default();
        pc.supports = self.supports(&mut o);
        pc.it = self.country_sections(&mut o);
        o.finish(self.f);
        (ok && !self.f.has_errors()).then_some(pc)
    }

    fn version(&mut self, e: &Entry, v: &str) {
        if v.split('.').next() != Some("0") || !vocab::KNOWN_VERSIONS.contains(&v) {
            let newer = v
                .split('.')
                .next()
                .and_then(|m| m.parse::<u32>().ok())
                .is_some_and(|m| m >= 1);
            let current = vocab::CURRENT_VERSION;
            let message = if newer {
                text!(
                    "publiccodeYmlVersion `{v}` is not supported",
                    "publiccodeYmlVersion `{v}` wird nicht unterstützt"
                )
            } else {
                text!(
                    "`{v}` is not a version of the publiccode.yml standard",
                    "`{v}` ist keine Version des publiccode.yml-Standards"
                )
            };
            e.error(
                self.f,
                message,
                text!("use `\"{current}\"`", "verwenden Sie `\"{current}\"`"),
            );
        } else if v != "0" && !v.starts_with(vocab::CURRENT_VERSION) {
            let current = vocab::CURRENT_VERSION;
            e.warning(
                self.f,
                text!(
                    "publiccodeYmlVersion `{v}` is outdated; the current version is {current}",
                    "publiccodeYmlVersion `{v}` ist veraltet; aktuell ist Version {current}"
                ),
                text!(
                    "update to `\"{current}\"` (see the standard's changelog for what changed)",
                    "aktualisieren Sie auf `\"{current}\"` (was sich geändert hat, steht im Changelog des Standards)"
                ),
            );
        }
    }

    fn req_text(
        &mut self,
        o: &mut Obj,
        key: &'static str,
        what: &Text,
        check: impl FnOnce(&mut Findings, &Entry) -> bool,
    ) -> Option<String> {
        let e = o.require(self.f, key, what)?;
        let v = e.text(self.f)?;
        if v.trim().is_empty() {
            let (what_en, what_de) = (&what.en, &what.de);
            e.error(
                self.f,
                text!("`{key}` is empty", "`{key}` ist leer"),
                text!("fill in {what_en}", "tragen Sie {what_de} ein"),
            );
            return None;
        }
        check(self.f, &e).then_some(v)
    }

    /// A required text whose length, in grapheme clusters, must lie in `range`.
    fn sized_text(
        &mut self,
        o: &mut Obj,
        key: &'static str,
        what: &Text,
        range: std::ops::RangeInclusive<usize>,
    ) -> Option<String> {
        let (min, max) = (*range.start(), *range.end());
        let (what_en, what_de) = (&what.en, &what.de);
        let e = o.require(
            self.f,
            key,
            &text!(
                "{what_en} of {min} to {max} characters",
                "{what_de} mit {min} bis {max} Zeichen"
            ),
        )?;
        let v = e.text(self.f)?;
        let n = formats::graphemes(&v);
        if !range.contains(&n) {
            let hint = if n < min {
                text!(
                    "write at least {min} characters: what the software does and for whom",
                    "schreiben Sie mindestens {min} Zeichen: was die Software tut und für wen"
                )
            } else {
                text!(
                    "shorten it to at most {max} characters",
                    "kürzen Sie auf höchstens {max} Zeichen"
                )
            };
            let path = &e.path;
            e.error(
                self.f,
                text!(
                    "`{path}` has {n} characters; {min} to {max} are allowed",
                    "`{path}` hat {n} Zeichen; erlaubt sind {min} bis {max}"
                ),
                hint,
            );
            return None;
        }
        Some(v)
    }

    fn opt_text(&mut self, o: &mut Obj, key: &'static str) -> Option<String> {
        o.get(key).and_then(|e| e.text(self.f))
    }

    fn opt_checked(
        &mut self,
        o: &mut Obj,
        key: &'static str,
        check: fn(&str) -> Check,
    ) -> Option<String> {
        let e = o.get(key)?;
        let v = e.text(self.f)?;
        if v.is_empty() {
            return None;
        }
        let ok = report(self.f, &e, check(&v));
        if ok && v.starts_with("http") {
            self.link(&e, &v);
        }
        ok.then_some(v)
    }

    fn link(&mut self, e: &Entry, url: &str) {
        self.links.push(Link {
            key: e.path.clone(),
            pos: e.pos,
            url: url.to_owned(),
        });
    }

    fn texts<'n>(&mut self, e: &Entry<'n>) -> Vec<(Entry<'n>, String)> {
        e.texts(self.f).unwrap_or_default()
    }

    /// `what` names the kind of value in English and German (`("category", "Kategorie")`).
    fn one_of(&mut self, e: &Entry, v: &str, known: &[&str], what: (&str, &str)) -> bool {
        if known.contains(&v) {
            return true;
        }
        let (what_en, what_de) = what;
        let hint = match vocab::suggest(v, known) {
            Some(s) => text!("did you mean `{s}`?", "meinten Sie `{s}`?"),
            None if known.len() <= 12 => {
                let list = known.join(", ");
                text!(
                    "use one of: {list}",
                    "verwenden Sie einen dieser Werte: {list}"
                )
            }
            None => {
                let first = known[0];
                text!(
                    "use a {what_en} from the standard's list, e.g. `{first}`",
                    "verwenden Sie einen Wert ({what_de}) aus der Liste des Standards, z. B. `{first}`"
                )
            }
        };
        e.error(
            self.f,
            text!(
                "`{v}` is not a valid {what_en}",
                "`{v}` ist kein gültiger Wert für {what_de}"
            ),
            hint,
        );
        false
    }

    fn req_enum(&mut self, o: &mut Obj, key: &'static str, known: &[&str]) -> Option<String> {
        let list = known.join(", ");
        let e = o.require(
            self.f,
            key,
            &text!("one of {list}", "einen dieser Werte: {list}"),
        )?;
        let v = e.text(self.f)?;
        self.one_of(&e, &v, known, (key, key)).then_some(v)
    }

    fn vocab_list(
        &mut self,
        o: &mut Obj,
        key: &'static str,
        known: &[&str],
        what: (&str, &str),
    ) -> Vec<String> {
        let Some(e) = o.get(key) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (item, v) in self.texts(&e) {
            if self.one_of(&item, &v, known, what) {
                out.push(v);
            }
        }
        out
    }

    fn is_based_on(&mut self, o: &mut Obj) -> Vec<String> {
        let Some(e) = o.get("isBasedOn") else {
            return Vec::new();
        };
        // One URL or a list of URLs.
        if e.value.as_text().is_some() {
            let v = e.value.as_text().unwrap_or_default().to_owned();
            let item = Entry {
                path: format!("{}[0]", e.path),
                pos: e.pos,
                value: e.value,
            };
            return if report(self.f, &item, formats::url(&v)) {
                vec![v]
            } else {
                Vec::new()
            };
        }
        self.texts(&e)
            .into_iter()
            .filter(|(item, v)| report(self.f, item, formats::url(v)))
            .map(|(_, v)| v)
            .collect()
    }

    fn file_ref(&mut self, o: &mut Obj, key: &'static str, kind: FileKind) -> Option<String> {
        let e = o.get(key)?;
        let v = e.text(self.f)?;
        self.file_at(&e, &v, kind).then_some(v)
    }

    fn file_at(&mut self, e: &Entry, v: &str, kind: FileKind) -> bool {
        if v.starts_with("http://") || v.starts_with("https://") {
            self.link(e, v);
        }
        match files::check(v, kind, self.base_dir) {
            files::Outcome::Ok => true,
            files::Outcome::Warning(m, h) => {
                e.warning(self.f, m, h);
                true
            }
            files::Outcome::Error(m, h) => {
                e.error(self.f, m, h);
                false
            }
        }
    }

    fn audience(&mut self, e: &Entry) -> Option<IntendedAudience> {
        let mut o = e.obj(self.f)?;
        let mut a = IntendedAudience::default();
        for (key, target) in [
            ("countries", &mut a.countries),
            ("unsupportedCountries", &mut a.unsupported_countries),
        ] {
            let Some(e) = o.get(key) else { continue };
            for (item, v) in e.texts(self.f).unwrap_or_default() {
                match formats::country(&v) {
                    Ok(CountryCase::Upper) => target.push(v),
                    Ok(CountryCase::Lower) => {
                        let upper = v.to_ascii_uppercase();
                        item.warning(
                            self.f,
                            text!(
                                "lowercase country code `{v}` is deprecated",
                                "der kleingeschriebene Ländercode `{v}` ist veraltet"
                            ),
                            text!("write `{upper}`", "schreiben Sie `{upper}`"),
                        );
                        target.push(v.to_ascii_uppercase());
                    }
                    Err((m, h)) => item.error(self.f, m, h),
                }
            }
        }
        a.scope = self.vocab_list(
            &mut o,
            "scope",
            vocab::SCOPE,
            ("scope", "Anwendungsbereich"),
        );
        o.finish(self.f);
        Some(a)
    }

    fn description(&mut self, e: &Entry) -> Option<BTreeMap<String, Description>> {
        let mut o = e.obj(self.f)?;
        let mut out = BTreeMap::new();
        let languages = o.remaining();
        if languages.is_empty() {
            e.error(
                self.f,
                text!(
                    "`description` has no language",
                    "`description` enthält keine Sprache"
                ),
                text!(
                    "add at least one language, e.g. `de:` with shortDescription, longDescription and features",
                    "ergänzen Sie mindestens eine Sprache, z. B. `de:` mit shortDescription, longDescription und features"
                ),
            );
            return None;
        }
        for (lang, le) in languages {
            if let Err((m, h)) = formats::language(&lang) {
                let (m_en, m_de) = (&m.en, &m.de);
                self.f.error(
                    &e.path,
                    le.pos,
                    text!(
                        "description language {m_en}",
                        "Sprache der Beschreibung: {m_de}"
                    ),
                    h,
                );
                continue;
            }
            if let Some(d) = self.description_lang(&le) {
                out.insert(lang, d);
            }
        }
        o.finish(self.f);
        Some(out)
    }

    fn description_lang(&mut self, e: &Entry) -> Option<Description> {
        let mut o = e.obj(self.f)?;
        let mut d = Description {
            localised_name: self.opt_text(&mut o, "localisedName"),
            ..Description::default()
        };
        if let Some(g) = o.get("genericName") {
            g.warning(
                self.f,
                deprecated("genericName"),
                text!(
                    "remove it; use `localisedName` or the short description",
                    "entfernen Sie ihn; verwenden Sie `localisedName` oder die Kurzbeschreibung"
                ),
            );
            if let Some(v) = g.text(self.f) {
                if formats::graphemes(&v) > 35 {
                    let path = &g.path;
                    g.error(
                        self.f,
                        text!(
                            "`{path}` is longer than 35 characters",
                            "`{path}` ist länger als 35 Zeichen"
                        ),
                        text!("shorten it", "kürzen Sie ihn"),
                    );
                }
                d.generic_name = Some(v);
            }
        }
        d.short_description = self
            .sized_text(
                &mut o,
                "shortDescription",
                &text!("one sentence", "ein Satz"),
                1..=150,
            )
            .unwrap_or_default();
        d.long_description = self
            .sized_text(
                &mut o,
                "longDescription",
                &text!("a description", "eine Beschreibung"),
                150..=10_000,
            )
            .unwrap_or_default();
        d.documentation = self.opt_checked(&mut o, "documentation", formats::http_url);
        d.api_documentation = self.opt_checked(&mut o, "apiDocumentation", formats::http_url);
        if let Some(fe) = o.require(
            self.f,
            "features",
            &text!(
                "a list of the main features",
                "eine Liste der wichtigsten Funktionen"
            ),
        ) {
            d.features = self.texts(&fe).into_iter().map(|(_, t)| t).collect();
            if matches!(&fe.value.value, crate::yaml::Value::Seq(v) if v.is_empty()) {
                fe.error(
                    self.f,
                    text!("`features` is empty", "`features` ist leer"),
                    text!(
                        "list at least one feature",
                        "nennen Sie mindestens eine Funktion"
                    ),
                );
            }
        }
        if let Some(se) = o.get("screenshots") {
            for (item, v) in self.texts(&se) {
                if self.file_at(&item, &v, FileKind::Screenshot) {
                    d.screenshots.push(v);
                }
            }
        }
        if let Some(ve) = o.get("videos") {
            for (item, v) in self.texts(&ve) {
                if !report(self.f, &item, formats::http_url(&v)) {
                    continue;
                }
                self.link(&item, &v);
                let host = url::Url::parse(&v)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
                if !host
                    .as_deref()
                    .is_some_and(|h| vocab::OEMBED_VIDEO_HOSTS.contains(&h))
                {
                    item.warning(
                        self.f,
                        text!(
                            "`{v}` is not from a known oEmbed video provider (checked offline)",
                            "`{v}` stammt von keinem bekannten oEmbed-Videoanbieter (offline geprüft)"
                        ),
                        text!(
                            "link a video on a provider with oEmbed support (e.g. PeerTube instance pages are checked with --network)",
                            "verlinken Sie ein Video bei einem Anbieter mit oEmbed-Unterstützung (PeerTube-Seiten werden mit --network geprüft)"
                        ),
                    );
                }
                d.videos.push(v);
            }
        }
        d.awards = o
            .get("awards")
            .map(|a| self.texts(&a).into_iter().map(|(_, t)| t).collect())
            .unwrap_or_default();
        o.finish(self.f);
        Some(d)
    }

    fn legal(&mut self, e: &Entry) -> Option<Legal> {
        let mut o = e.obj(self.f)?;
        let mut l = Legal::default();
        let what = text!(
            "an SPDX licence expression such as `EUPL-1.2`",
            "einen SPDX-Lizenzausdruck wie `EUPL-1.2`"
        );
        let lic = self.req_text(&mut o, "license", &what, |f, e| {
            let v = e.value.as_text().unwrap_or_default();
            match formats::licence(v) {
                Ok(Licence::Valid) => true,
                Ok(Licence::Deprecated(m)) => {
                    e.warning(
                        f,
                        m,
                        text!(
                            "use the current identifier, e.g. `GPL-3.0-only` or `GPL-3.0-or-later` instead of `GPL-3.0`",
                            "verwenden Sie die aktuelle Kennung, z. B. `GPL-3.0-only` oder `GPL-3.0-or-later` statt `GPL-3.0`"
                        ),
                    );
                    true
                }
                Err((m, h)) => {
                    e.error(f, m, h);
                    false
                }
            }
        });
        l.main_copyright_owner = self.opt_text(&mut o, "mainCopyrightOwner");
        if let Some(r) = o.get("repoOwner") {
            r.warning(
                self.f,
                deprecated("legal.repoOwner"),
                text!(
                    "remove it; use `mainCopyrightOwner` or `organisation`",
                    "entfernen Sie ihn; verwenden Sie `mainCopyrightOwner` oder `organisation`"
                ),
            );
            l.repo_owner = r.text(self.f);
        }
        if let Some(a) = o.get("authorsFile") {
            a.warning(self.f, deprecated("legal.authorsFile"), remove_it());
            l.authors_file = self.file_ref(&mut o, "authorsFile", FileKind::Any);
        }
        o.finish(self.f);
        l.license = lic?;
        Some(l)
    }

    fn maintenance(&mut self, e: &Entry) -> Option<Maintenance> {
        let mut o = e.obj(self.f)?;
        let kind = self.req_enum(&mut o, "type", vocab::MAINTENANCE_TYPE);
        let mut m = Maintenance::default();
        match (o.get("contractors"), kind.as_deref()) {
            (Some(c), Some(k)) if k != "contract" => c.error(
                self.f,
                text!(
                    "`maintenance.contractors` is only allowed when `maintenance.type` is `contract` (it is `{k}`)",
                    "`maintenance.contractors` ist nur erlaubt, wenn `maintenance.type` `contract` ist (hier: `{k}`)"
                ),
                text!(
                    "remove the contractors, or set `type: contract`",
                    "entfernen Sie die Auftragnehmer oder setzen Sie `type: contract`"
                ),
            ),
            (Some(c), _) => {
                for item in c.items(self.f).unwrap_or_default() {
                    if let Some(x) = self.contractor(&item) {
                        m.contractors.push(x);
                    }
                }
            }
            (None, Some("contract")) => o.missing(
                self.f,
                "contractors",
                &text!(
                    "the companies maintaining the software under contract, with `name` and `until`",
                    "die Unternehmen, die die Software im Auftrag pflegen, mit `name` und `until`"
                ),
            ),
            (None, _) => {}
        }
        match o.get("contacts") {
            Some(c) => {
                for item in c.items(self.f).unwrap_or_default() {
                    if let Some(x) = self.contact(&item) {
                        m.contacts.push(x);
                    }
                }
            }
            None if matches!(kind.as_deref(), Some("internal" | "community")) => o.missing(
                self.f,
                "contacts",
                &text!(
                    "people or teams to contact, each with `name`",
                    "Ansprechpersonen oder Teams, jeweils mit `name`"
                ),
            ),
            None => {}
        }
        o.finish(self.f);
        m.kind = kind?;
        Some(m)
    }

    fn contractor(&mut self, e: &Entry) -> Option<Contractor> {
        let mut o = e.obj(self.f)?;
        let name = self.req_text(
            &mut o,
            "name",
            &text!("the contractor's name", "den Namen des Auftragnehmers"),
            |_, _| true,
        );
        let until = o
            .require(
                self.f,
                "until",
                &text!(
                    "the date the contract ends (YYYY-MM-DD)",
                    "das Enddatum des Vertrags (JJJJ-MM-TT)"
                ),
            )
            .and_then(|u| {
                let v = u.text(self.f)?;
                report(self.f, &u, formats::date(&v)).then_some(v)
            });
        let email = self.opt_checked(&mut o, "email", formats::email);
        let website = self.opt_checked(&mut o, "website", formats::http_url);
        o.finish(self.f);
        Some(Contractor {
            name: name?,
            until: until?,
            email,
            website,
        })
    }

    fn contact(&mut self, e: &Entry) -> Option<Contact> {
        let mut o = e.obj(self.f)?;
        let name = self.req_text(
            &mut o,
            "name",
            &text!(
                "the person's or team's name",
                "den Namen der Person oder des Teams"
            ),
            |_, _| true,
        );
        let email = self.opt_checked(&mut o, "email", formats::email);
        let phone = self.opt_text(&mut o, "phone");
        let affiliation = self.opt_text(&mut o, "affiliation");
        o.finish(self.f);
        Some(Contact {
            name: name?,
            email,
            phone,
            affiliation,
        })
    }

    fn localisation(&mut self, e: &Entry) -> Option<Localisation> {
        let mut o = e.obj(self.f)?;
        let ready = o
            .require(
                self.f,
                "localisationReady",
                &text!("`true` or `false`", "`true` oder `false`"),
            )
            .and_then(|r| r.boolean(self.f));
        let mut langs = Vec::new();
        if let Some(a) = o.require(
            self.f,
            "availableLanguages",
            &text!(
                "a list of BCP 47 language tags such as `[de, en]`",
                "eine Liste von BCP-47-Sprachkürzeln wie `[de, en]`"
            ),
        ) {
            let items = self.texts(&a);
            if matches!(&a.value.value, crate::yaml::Value::Seq(v) if v.is_empty()) {
                a.error(
                    self.f,
                    text!(
                        "`localisation.availableLanguages` is empty",
                        "`localisation.availableLanguages` ist leer"
                    ),
                    text!(
                        "list at least one language, e.g. `de`",
                        "nennen Sie mindestens eine Sprache, z. B. `de`"
                    ),
                );
            }
            for (item, v) in items {
                if report(self.f, &item, formats::language(&v)) {
                    langs.push(v);
                }
            }
        }
        o.finish(self.f);
        Some(Localisation {
            localisation_ready: ready?,
            available_languages: langs,
        })
    }

    fn depends_on(&mut self, e: &Entry) -> Option<DependsOn> {
        let mut o = e.obj(self.f)?;
        let mut d = DependsOn::default();
        for (key, target) in [
            ("open", &mut d.open),
            ("proprietary", &mut d.proprietary),
            ("hardware", &mut d.hardware),
        ] {
            let Some(list) = o.get(key) else { continue };
            for item in list.items(self.f).unwrap_or_default() {
                if let Some(dep) = self.dependency(&item) {
                    target.push(dep);
                }
            }
        }
        o.finish(self.f);
        Some(d)
    }

    fn dependency(&mut self, e: &Entry) -> Option<Dependency> {
        let mut o = e.obj(self.f)?;
        let name = self.req_text(
            &mut o,
            "name",
            &text!("the dependency's name", "den Namen der Abhängigkeit"),
            |_, _| true,
        );
        let version_min = self.opt_text(&mut o, "versionMin");
        let version_max = self.opt_text(&mut o, "versionMax");
        let version = self.opt_text(&mut o, "version");
        let optional = o
            .get("optional")
            .and_then(|x| x.boolean(self.f))
            .unwrap_or(false);
        o.finish(self.f);
        Some(Dependency {
            name: name?,
            version_min,
            version_max,
            version,
            optional,
        })
    }

    fn organisation(&mut self, e: &Entry) -> Option<Organisation> {
        let mut o = e.obj(self.f)?;
        let uri = self.req_text(
            &mut o,
            "uri",
            &text!(
                "the organisation's web address or URN",
                "die Webadresse oder URN der Organisation"
            ),
            |f, e| report(f, e, formats::uri(e.value.as_text().unwrap_or_default())),
        );
        let name = self.opt_text(&mut o, "name");
        o.finish(self.f);
        Some(Organisation { uri: uri?, name })
    }

    fn supports(&mut self, o: &mut Obj) -> Vec<Support> {
        let Some(e) = o.get("supports") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in e.items(self.f).unwrap_or_default() {
            let Some(mut so) = item.obj(self.f) else {
                continue;
            };
            let what = text!("`alias:<name>` or a URI", "`alias:<Name>` oder eine URI");
            let id = self.req_text(&mut so, "id", &what, |f, e| {
                let v = e.value.as_text().unwrap_or_default();
                match v.strip_prefix("alias:") {
                    Some(alias) if vocab::SUPPORT_ALIASES.contains(&alias) => true,
                    Some(alias) => {
                        let list = vocab::SUPPORT_ALIASES
                            .iter()
                            .map(|a| format!("alias:{a}"))
                            .collect::<Vec<_>>()
                            .join(", ");
                        e.error(
                            f,
                            text!(
                                "`{alias}` is not a known `supports` alias",
                                "`{alias}` ist kein bekannter `supports`-Alias"
                            ),
                            text!(
                                "use one of: {list}, or a URI",
                                "verwenden Sie einen dieser Werte: {list}, oder eine URI"
                            ),
                        );
                        false
                    }
                    None => report(f, e, formats::uri(v)),
                }
            });
            so.finish(self.f);
            if let Some(id) = id {
                out.push(Support { id });
            }
        }
        out
    }

    /// `IT` (and the deprecated lowercase `it`); other country sections are unknown keys.
    fn country_sections(&mut self, o: &mut Obj) -> Option<Italy> {
        let upper = o.get("IT");
        let lower = o.get("it");
        if let Some(l) = &lower {
            l.warning(
                self.f,
                text!(
                    "lowercase country section `it` is deprecated",
                    "der kleingeschriebene Länderabschnitt `it` ist veraltet"
                ),
                text!("rename it to `IT`", "benennen Sie ihn in `IT` um"),
            );
            if upper.is_some() {
                l.error(
                    self.f,
                    text!(
                        "both `it` and `IT` are present",
                        "`it` und `IT` sind beide vorhanden"
                    ),
                    text!("keep only `IT`", "behalten Sie nur `IT`"),
                );
            }
        }
        let e = upper.or(lower)?;
        if self.modern {
            e.warning(
                self.f,
                text!(
                    "country sections are deprecated since publiccodeYmlVersion 0.7",
                    "Länderabschnitte sind seit publiccodeYmlVersion 0.7 veraltet"
                ),
                text!(
                    "describe platform support with `supports` (e.g. `- id: alias:spid`) and the owner with `organisation`",
                    "beschreiben Sie unterstützte Plattformen mit `supports` (z. B. `- id: alias:spid`) und die Eigentümerin mit `organisation`"
                ),
            );
        }
        let mut o = e.obj(self.f)?;
        let mut it = Italy::default();
        if let Some(v) = o.get("countryExtensionVersion")
            && let Some(t) = v.text(self.f)
            && self.one_of(
                &v,
                &t,
                vocab::IT_EXTENSION_VERSIONS,
                ("countryExtensionVersion", "countryExtensionVersion"),
            )
        {
            it.country_extension_version = t;
        }
        if let Some(c) = o.get("conforme") {
            c.warning(self.f, deprecated(&c.path), remove_it());
            it.conforme = self.flags(&c, vocab::IT_CONFORME);
        }
        if let Some(p) = o.get("piattaforme") {
            it.piattaforme = self.flags(&p, vocab::IT_PIATTAFORME);
        }
        if let Some(r) = o.get("riuso")
            && let Some(mut ro) = r.obj(self.f)
        {
            if let Some(c) = ro.get("codiceIPA") {
                c.warning(
                    self.f,
                    deprecated("IT.riuso.codiceIPA"),
                    text!(
                        "use `organisation.uri: urn:x-italian-pa:<code>`",
                        "verwenden Sie `organisation.uri: urn:x-italian-pa:<Code>`"
                    ),
                );
                it.riuso_codice_ipa = c.text(self.f);
            }
            ro.finish(self.f);
        }
        o.finish(self.f);
        Some(it)
    }

    fn flags(&mut self, e: &Entry, keys: &[&'static str]) -> BTreeMap<String, bool> {
        let mut out = BTreeMap::new();
        let Some(mut o) = e.obj(self.f) else {
            return out;
        };
        for key in keys {
            if let Some(b) = o.get(key).and_then(|x| x.boolean(self.f)) {
                out.insert((*key).to_owned(), b);
            }
        }
        o.finish(self.f);
        out
    }
}

fn deprecated(key: &str) -> Text {
    text!("`{key}` is deprecated", "`{key}` ist veraltet")
}

fn remove_it() -> Text {
    text!("remove it", "entfernen Sie ihn")
}
