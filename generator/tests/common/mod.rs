//! Fixtures shared by the end-to-end tests.

/// A minimal valid catalogue entry (publiccode.yml 0.7, German only).
pub fn minimal_entry(name: &str, url: &str) -> String {
    format!(
        r#"publiccodeYmlVersion: "0.7"
name: {name}
url: "{url}"
logo: logo.svg
platforms: [web]
developmentStatus: stable
softwareType: standalone/web
description:
  de:
    shortDescription: Kurzbeschreibung
    longDescription: "{long}"
    features: [Eins]
legal:
  license: EUPL-1.2
maintenance:
  type: community
  contacts:
    - name: Team
localisation:
  localisationReady: true
  availableLanguages: [de]
"#,
        long = "Eine ausführliche Beschreibung. ".repeat(6)
    )
}
