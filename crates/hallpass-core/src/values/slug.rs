use std::fmt;

/// A URL-friendly organization handle: lowercase ASCII letters, digits and
/// single hyphens, 2 to 63 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a valid slug: use 2 to 63 lowercase letters, digits and hyphens, not starting or ending with a hyphen")]
pub struct InvalidSlug(pub String);

impl Slug {
    pub fn parse(value: &str) -> Result<Slug, InvalidSlug> {
        let ok = (2..=63).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !value.starts_with('-')
            && !value.ends_with('-')
            && !value.contains("--");
        if ok {
            Ok(Slug(value.to_owned()))
        } else {
            Err(InvalidSlug(value.to_owned()))
        }
    }

    /// Derives a slug from a display name ("Acme, Inc." → "acme-inc").
    pub fn from_name(name: &str) -> Option<Slug> {
        let mut slug = String::new();
        for c in name.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug: String = slug.trim_end_matches('-').chars().take(63).collect();
        Slug::parse(slug.trim_end_matches('-')).ok()
    }

    pub fn from_trusted(value: String) -> Slug {
        Slug(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_from_names() {
        assert_eq!(Slug::from_name("Acme, Inc.").unwrap().as_str(), "acme-inc");
        assert!(Slug::from_name("!!").is_none());
    }

    #[test]
    fn refuses_bad_slugs() {
        for bad in ["a", "-ab", "ab-", "a--b", "Ab", "a_b"] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
        assert!(Slug::parse("acme-42").is_ok());
    }
}
