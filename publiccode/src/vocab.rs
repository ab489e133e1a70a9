//! Controlled vocabularies of the standard (`docs/standard/*-list.rst` and `schema.core.rst`).

pub const DEVELOPMENT_STATUS: &[&str] = &["concept", "development", "beta", "stable", "obsolete"];

pub const SOFTWARE_TYPE: &[&str] = &[
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
];

pub const MAINTENANCE_TYPE: &[&str] = &["internal", "contract", "community", "none"];

/// `supports` aliases (0.7); any other value must be a URI.
pub const SUPPORT_ALIASES: &[&str] = &[
    "gdpr", "eidas", "nis2", "cra", "spid", "cie", "anpr", "pagopa", "io",
];

/// Italian extension: platforms (`IT.piattaforme`) and conformity flags (`IT.conforme`).
pub const IT_PIATTAFORME: &[&str] = &["spid", "cie", "anpr", "pagopa", "io"];
pub const IT_CONFORME: &[&str] = &[
    "lineeGuidaDesign",
    "modelloInteroperabilita",
    "misureMinimeSicurezza",
    "gdpr",
];
pub const IT_EXTENSION_VERSIONS: &[&str] = &["0.2", "1.0"];

/// Versions of the standard this validator knows. The newest is preferred; "0" means
/// "latest 0.x" and is accepted without a warning, like the reference validator does.
pub const CURRENT_VERSION: &str = "0.7";
pub const KNOWN_VERSIONS: &[&str] = &[
    "0", "0.1", "0.2", "0.2.0", "0.2.1", "0.2.2", "0.3", "0.3.0", "0.4", "0.4.0", "0.5", "0.5.0",
    "0.6", "0.6.0", "0.7", "0.7.0",
];

pub const SCOPE: &[&str] = &[
    "agriculture",
    "culture",
    "defence",
    "education",
    "emergency-services",
    "employment",
    "energy",
    "environment",
    "finance-and-economic-development",
    "foreign-affairs",
    "government",
    "healthcare",
    "infrastructures",
    "justice",
    "local-authorities",
    "manufacturing",
    "research",
    "science-and-technology",
    "security",
    "society",
    "sport",
    "tourism",
    "transportation",
    "welfare",
];

pub const CATEGORIES: &[&str] = &[
    "accounting",
    "agile-project-management",
    "applicant-tracking",
    "application-development",
    "appointment-scheduling",
    "backup",
    "billing-and-invoicing",
    "blog",
    "budgeting",
    "business-intelligence",
    "business-process-management",
    "cad",
    "call-center-management",
    "cloud-management",
    "collaboration",
    "communications",
    "compliance-management",
    "contact-management",
    "content-management",
    "crm",
    "customer-service-and-support",
    "data-analytics",
    "data-collection",
    "data-visualization",
    "design",
    "design-system",
    "digital-asset-management",
    "digital-citizenship",
    "document-management",
    "donor-management",
    "e-commerce",
    "e-signature",
    "educational-content",
    "email-management",
    "email-marketing",
    "employee-management",
    "enterprise-project-management",
    "enterprise-social-networking",
    "erp",
    "event-management",
    "facility-management",
    "feedback-and-reviews-management",
    "financial-reporting",
    "fleet-management",
    "fundraising",
    "gamification",
    "geographic-information-systems",
    "grant-management",
    "graphic-design",
    "help-desk",
    "hr",
    "ide",
    "identity-management",
    "instant-messaging",
    "integrated-library-system",
    "inventory-management",
    "it-asset-management",
    "it-development",
    "it-management",
    "it-security",
    "it-service-management",
    "knowledge-management",
    "learning-management-system",
    "marketing",
    "mind-mapping",
    "mobile-marketing",
    "mobile-payment",
    "network-management",
    "office",
    "online-booking",
    "online-community",
    "other",
    "payment-gateway",
    "payroll",
    "predictive-analysis",
    "procurement",
    "productivity-suite",
    "project-collaboration",
    "project-management",
    "property-management",
    "real-estate-management",
    "regulations-and-directives",
    "remote-support",
    "resource-management",
    "sales-management",
    "seo",
    "service-desk",
    "social-media-management",
    "survey",
    "talent-management",
    "task-management",
    "taxes-management",
    "test-management",
    "time-management",
    "time-tracking",
    "translation",
    "video-conferencing",
    "video-editing",
    "visitor-management",
    "voip",
    "warehouse-management",
    "web-collaboration",
    "web-conferencing",
    "whistleblowing",
    "website-builder",
    "workflow-management",
];

/// Hosts whose video URLs are embeddable through oEmbed. Checked offline; an unknown host
/// is only a warning because the definitive answer needs the network.
pub const OEMBED_VIDEO_HOSTS: &[&str] = &[
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtu.be",
    "www.youtube-nocookie.com",
    "vimeo.com",
    "player.vimeo.com",
    "www.dailymotion.com",
    "dailymotion.com",
    "dai.ly",
    "media.ccc.de",
    "www.slideshare.net",
    "ted.com",
    "www.ted.com",
];

/// Closest known value, for "did you mean" hints.
pub fn suggest<'a>(value: &str, known: &[&'a str]) -> Option<&'a str> {
    let value = value.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (edit_distance(&value, &k.to_ascii_lowercase()), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_have_the_sizes_of_the_standard() {
        assert_eq!(CATEGORIES.len(), 106);
        assert_eq!(SCOPE.len(), 24);
        let mut sorted = CATEGORIES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), CATEGORIES.len());
    }

    #[test]
    fn suggests_close_values_only() {
        assert_eq!(suggest("colaboration", CATEGORIES), Some("collaboration"));
        assert_eq!(suggest("Stable", DEVELOPMENT_STATUS), Some("stable"));
        assert_eq!(suggest("zzzzzzzz", DEVELOPMENT_STATUS), None);
    }
}
