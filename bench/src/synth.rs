//! A synthetic catalogue: N entries whose size and variety resemble real ones (both
//! languages, 4–8 features, several categories), generated from a fixed seed so that every
//! run measures the same input.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

const WORDS_DE: &[&str] = &[
    "Verwaltung",
    "Bürgerbeteiligung",
    "Dokumente",
    "Akten",
    "Formulare",
    "Kommune",
    "Antrag",
    "Karte",
    "Geodaten",
    "Videokonferenz",
    "Zusammenarbeit",
    "Datenschutz",
    "Schnittstelle",
    "Bibliothek",
    "Archiv",
    "Haushalt",
    "Termine",
    "Ticket",
    "Wissen",
    "Lernplattform",
    "offen",
    "sicher",
    "barrierefrei",
    "mehrsprachig",
    "Plattform",
    "Anwendung",
    "Dienst",
    "Register",
];
const WORDS_EN: &[&str] = &[
    "administration",
    "participation",
    "documents",
    "records",
    "forms",
    "municipality",
    "application",
    "map",
    "geodata",
    "video",
    "collaboration",
    "privacy",
    "interface",
    "library",
    "archive",
    "budget",
    "appointments",
    "ticket",
    "knowledge",
    "learning",
    "open",
    "secure",
    "accessible",
    "multilingual",
    "platform",
    "service",
    "registry",
    "workflow",
];
const CATEGORIES: &[&str] = &[
    "collaboration",
    "document-management",
    "geographic-information-systems",
    "e-signature",
    "learning-management-system",
    "help-desk",
    "content-management",
    "survey",
    "digital-citizenship",
    "video-conferencing",
    "identity-management",
    "workflow-management",
];
const LICENCES: &[&str] = &[
    "EUPL-1.2",
    "AGPL-3.0-or-later",
    "MIT",
    "Apache-2.0",
    "GPL-3.0-only",
    "MPL-2.0",
];
const STATUS: &[&str] = &["concept", "development", "beta", "stable", "obsolete"];
const TYPES: &[&str] = &[
    "standalone/web",
    "standalone/desktop",
    "library",
    "standalone/backend",
];

/// xorshift: tiny, deterministic, good enough to vary text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
    fn sentence(&mut self, words: &[&str], n: usize) -> String {
        let mut s = String::new();
        for i in 0..n {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(self.pick(words));
        }
        s
    }
}

fn entry(i: usize, rng: &mut Rng2) -> String {
    let r = &mut rng.0;
    let mut y = String::new();
    let cats: Vec<&str> = (0..1 + r.next() % 3)
        .map(|_| r.pick(CATEGORIES))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let _ = writeln!(y, "publiccodeYmlVersion: \"0.7\"");
    let _ = writeln!(y, "name: \"{} {i}\"", r.sentence(WORDS_DE, 2));
    let _ = writeln!(
        y,
        "url: \"https://git.example.org/group{}/project-{i}.git\"",
        i % 97
    );
    let _ = writeln!(y, "landingURL: \"https://project-{i}.example.org\"");
    let _ = writeln!(
        y,
        "softwareVersion: \"{}.{}.{}\"",
        r.next() % 5,
        r.next() % 20,
        r.next() % 10
    );
    let _ = writeln!(
        y,
        "releaseDate: \"20{:02}-{:02}-{:02}\"",
        15 + r.next() % 11,
        1 + r.next() % 12,
        1 + r.next() % 28
    );
    let _ = writeln!(
        y,
        "logo: logo.svg\nplatforms:\n  - web\n  - linux\ncategories:"
    );
    for c in cats {
        let _ = writeln!(y, "  - {c}");
    }
    let _ = writeln!(
        y,
        "developmentStatus: {}\nsoftwareType: {}",
        r.pick(STATUS),
        r.pick(TYPES)
    );
    let _ = writeln!(
        y,
        "intendedAudience:\n  scope:\n    - government\n    - local-authorities"
    );
    let _ = writeln!(y, "description:");
    for (lang, words) in [("de", WORDS_DE), ("en", WORDS_EN)] {
        let _ = writeln!(y, "  {lang}:");
        let _ = writeln!(y, "    shortDescription: \"{}\"", r.sentence(words, 8));
        let _ = writeln!(y, "    longDescription: |");
        for _ in 0..4 {
            let _ = writeln!(y, "      {}.", r.sentence(words, 14));
        }
        let _ = writeln!(
            y,
            "    documentation: \"https://docs.example.org/{i}/{lang}\"\n    features:"
        );
        for _ in 0..4 + r.next() % 5 {
            let _ = writeln!(y, "      - {}", r.sentence(words, 4));
        }
    }
    let _ = writeln!(
        y,
        "legal:\n  license: {}\n  mainCopyrightOwner: Stadt {i}",
        r.pick(LICENCES)
    );
    let _ = writeln!(
        y,
        "maintenance:\n  type: community\n  contacts:\n    - name: Team {i}\n      email: team{i}@example.org"
    );
    let _ = writeln!(
        y,
        "localisation:\n  localisationReady: true\n  availableLanguages:\n    - de\n    - en"
    );
    let _ = writeln!(
        y,
        "dependsOn:\n  open:\n    - name: PostgreSQL\n      versionMin: \"13\""
    );
    let _ = writeln!(
        y,
        "organisation:\n  uri: \"https://stadt-{}.example.de\"\n  name: Stadt {}",
        i % 400,
        i % 400
    );
    y
}

struct Rng2(Rng);

pub fn catalogue(n: usize, dir: &Path) -> io::Result<()> {
    let software = dir.join("content/software");
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(&software)?;
    let mut rng = Rng2(Rng(0x9E37_79B9_7F4A_7C15));
    let logo = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><title>Logo</title><rect width=\"10\" height=\"10\" fill=\"#005a9c\"/></svg>\n";
    for i in 0..n {
        let d = software.join(format!("entry-{i:05}"));
        std::fs::create_dir_all(&d)?;
        std::fs::write(d.join("publiccode.yml"), entry(i, &mut rng))?;
        std::fs::write(d.join("logo.svg"), logo)?;
    }
    println!("wrote {n} entries to {}", software.display());
    Ok(())
}
