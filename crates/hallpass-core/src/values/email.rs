use std::fmt;

/// An email address as the user typed it, with the lower-cased form that
/// uniqueness and look-ups use (addresses are unique case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email {
    original: String,
    normalized: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid email address: {reason}")]
pub struct InvalidEmail {
    pub value: String,
    pub reason: &'static str,
}

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(value: &str) -> Result<Email, InvalidEmail> {
        let trimmed = value.trim();
        let fail = |reason| InvalidEmail {
            value: value.to_owned(),
            reason,
        };
        if trimmed.is_empty() {
            return Err(fail("it is empty"));
        }
        if trimmed.len() > Self::MAX_LEN {
            return Err(fail("it is longer than 254 characters"));
        }
        if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(fail("it contains spaces or control characters"));
        }
        let (local, domain) = trimmed.rsplit_once('@').ok_or_else(|| fail("it has no `@`"))?;
        if local.is_empty() || local.len() > 64 || local.contains('@') {
            return Err(fail(
                "the part before `@` must be 1 to 64 characters, without another `@`",
            ));
        }
        let labels_ok = domain
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
        if !domain.contains('.') || !labels_ok || domain.contains(['[', ']', '/', '\\']) {
            return Err(fail("the domain after `@` must be a name like example.com"));
        }
        Ok(Email {
            original: trimmed.to_owned(),
            normalized: trimmed.to_lowercase(),
        })
    }

    /// Rebuilds an email a store wrote; it was validated when it was written.
    pub fn from_trusted(original: String) -> Email {
        let normalized = original.to_lowercase();
        Email { original, normalized }
    }

    pub fn as_str(&self) -> &str {
        &self.original
    }

    /// The key for uniqueness and look-up.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    pub fn domain(&self) -> &str {
        self.normalized.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_was_typed_and_compares_lowercased() {
        let email = Email::parse("  Ada.Lovelace@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "Ada.Lovelace@Example.COM");
        assert_eq!(email.normalized(), "ada.lovelace@example.com");
        assert_eq!(email.domain(), "example.com");
    }

    #[test]
    fn refuses_what_cannot_be_an_address() {
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "ada@localhost",
            "a b@example.com",
            "ada@exa..mple.com",
            "ada@-x.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
        let long = format!("{}@example.com", "a".repeat(65));
        assert!(Email::parse(&long).is_err());
    }
}
