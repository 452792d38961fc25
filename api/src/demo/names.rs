//! Deterministic, realistic people for the demo data set.

use entity::{ContactStatus, SupportRole};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::fold;

const FIRST_NAMES: &[&str] = &[
    "Adèle",
    "Alexandre",
    "Alice",
    "Amélie",
    "Antoine",
    "Arthur",
    "Aurélie",
    "Benoît",
    "Blanche",
    "Cédric",
    "Chloé",
    "Clément",
    "Delphine",
    "Denis",
    "Élise",
    "Émilie",
    "Étienne",
    "Fabrice",
    "Florence",
    "Gaëlle",
    "Gabriel",
    "Hélène",
    "Inès",
    "Isabelle",
    "Jérôme",
    "Joël",
    "Laure",
    "Léa",
    "Louis",
    "Lucie",
    "Maël",
    "Mathilde",
    "Maxime",
    "Mélanie",
    "Noémie",
    "Pascal",
    "Pauline",
    "Quentin",
    "Raphaël",
    "Romain",
    "Sébastien",
    "Solène",
    "Théo",
    "Valérie",
    "Yann",
    "Zoé",
    "James",
    "Olivia",
    "George",
    "Amelia",
    "Harry",
    "Isla",
];

const LAST_NAMES: &[&str] = &[
    "Aubert",
    "Barbier",
    "Benoît",
    "Blanc",
    "Bonnet",
    "Boyer",
    "Brun",
    "Caron",
    "Chevalier",
    "Clément",
    "Colin",
    "Da Silva",
    "David",
    "Dubois",
    "Dufour",
    "Dumont",
    "Durand",
    "Fabre",
    "Fleury",
    "Fontaine",
    "François",
    "Garnier",
    "Gauthier",
    "Gérard",
    "Giraud",
    "Guérin",
    "Henry",
    "Joly",
    "Lambert",
    "Leclerc",
    "Lefèvre",
    "Legrand",
    "Lemaire",
    "Lemoine",
    "Lucas",
    "Marchand",
    "Mercier",
    "Meyer",
    "Morel",
    "Muller",
    "N'Diaye",
    "Nicolas",
    "Perrin",
    "Renaud",
    "Rousseau",
    "Roussel",
    "Vidal",
    "Vincent",
    "O'Brien",
    "Walker",
];

/// A generated contact.
#[derive(Debug, Clone)]
pub struct Person {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub support_role: Option<SupportRole>,
    pub security_admin: bool,
    pub status: ContactStatus,
    /// Whether the person has set a password (the others are still pending).
    pub active_account: bool,
}

/// `count` people for a company, the same every time for the same `seed` and `domain`.
/// E-mail addresses are unique within the list.
pub fn people(seed: u64, domain: &str, count: usize) -> Vec<Person> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|n| {
            let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
            let last = LAST_NAMES[rng.random_range(0..LAST_NAMES.len())];
            let local: String = fold(&format!("{first}.{last}"))
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
                .collect();
            let roll = rng.random_range(0..100);
            let (support_role, security_admin, status) = match roll {
                0..55 => (Some(SupportRole::Restricted), false, ContactStatus::Active),
                55..80 => (Some(SupportRole::Advanced), false, ContactStatus::Active),
                80..88 => (
                    Some(SupportRole::Administrator),
                    false,
                    ContactStatus::Active,
                ),
                88..92 => (Some(SupportRole::Restricted), true, ContactStatus::Active),
                _ => (None, false, ContactStatus::Obsolete),
            };
            Person {
                first_name: first.to_owned(),
                last_name: last.to_owned(),
                email: format!("{local}.{n}@{domain}"),
                support_role,
                security_admin,
                status,
                active_account: rng.random_range(0..10) < 8,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_people_with_unique_plain_addresses() {
        let a = people(7, "example.com", 300);
        let b = people(7, "example.com", 300);
        assert_eq!(
            a.iter().map(|p| &p.email).collect::<Vec<_>>(),
            b.iter().map(|p| &p.email).collect::<Vec<_>>()
        );
        let unique: std::collections::HashSet<_> = a.iter().map(|p| &p.email).collect();
        assert_eq!(unique.len(), 300);
        for person in &a {
            crate::domain::Email::parse(&person.email, "email").unwrap();
        }
        assert!(a.iter().any(|p| p.status == ContactStatus::Obsolete));
        assert!(a.iter().any(|p| p.security_admin));
    }
}
